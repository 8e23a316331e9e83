// Kernel launches of the cuda backend: `ss::launch(n, SS_KERNEL(int64_t i) { … })` runs the body
// once for every i in [0, n), a thread each. Compiled by nvcc it is a grid of blocks of
// kSsBlock threads; compiled with SPIKESWEEP_CUDA_EMULATE by the host compiler it runs the same
// body on the CPU over every (block, thread) index, in order or shuffled (SPIKESWEEP_CUDA_ORDER=
// shuffled), so a kernel whose result depends on the order of its threads (a race) shows up as
// different bits without a GPU. Launches are synchronous: host code after one reads its results.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#ifdef SPIKESWEEP_CUDA_EMULATE
#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>
#define SS_DEVICE_FN
#define SS_KERNEL [=]
#else
#include <cuda_runtime.h>
#define SS_DEVICE_FN __host__ __device__
#define SS_KERNEL [=] __device__
#endif

namespace ss {

constexpr int64_t kSsBlock = 256;

// Fast mode's delivery: rows adding to a shared target. On the device an atomic add (its order the
// threads' order); emulated, threads run one at a time, so a plain add in the emulated order.
template <class T> SS_DEVICE_FN inline void atomic_add(T *target, T value) {
#ifdef __CUDA_ARCH__
  atomicAdd(target, value);
#else
  *target += value;
#endif
}

#ifdef SPIKESWEEP_CUDA_EMULATE

// Whether emulated launches visit their (block, thread) indices in a shuffled order.
inline bool emulate_shuffled() {
  static const bool shuffled = [] {
    const char *order = std::getenv("SPIKESWEEP_CUDA_ORDER");
    return order && std::strcmp(order, "shuffled") == 0;
  }();
  return shuffled;
}

template <class Body> void launch(int64_t n, const Body &body) {
  if (n <= 0) return;
  const int64_t blocks = (n + kSsBlock - 1) / kSsBlock;
  std::vector<int64_t> order(size_t(blocks * kSsBlock));
  std::iota(order.begin(), order.end(), int64_t(0));
  if (emulate_shuffled()) {
    // A new order every launch, the same every run (the emulation must be reproducible too).
    static std::mt19937_64 rng(20240917);
    std::shuffle(order.begin(), order.end(), rng);
  }
  for (const int64_t i : order)
    if (i < n) body(i);
}

#else

template <class Body> __global__ void run_kernel(int64_t n, Body body) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) body(i);
}

inline void check_cuda(cudaError_t status, const char *what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string("CUDA ") + what + ": " + cudaGetErrorString(status));
}

template <class Body> void launch(int64_t n, const Body &body) {
  if (n <= 0) return;
  run_kernel<<<unsigned((n + kSsBlock - 1) / kSsBlock), unsigned(kSsBlock)>>>(n, body);
  check_cuda(cudaGetLastError(), "kernel launch");
  check_cuda(cudaDeviceSynchronize(), "kernel");
}

#endif

// The first synapse of row [begin, end) onto postsynaptic neuron j (rows' columns ascend), or end.
SS_DEVICE_FN inline int64_t first_synapse_onto(const int32_t *col, int64_t begin, int64_t end, int64_t j) {
  while (begin < end) {
    const int64_t mid = begin + (end - begin) / 2;
    if (col[mid] < j) begin = mid + 1; else end = mid;
  }
  return begin;
}

}  // namespace ss
