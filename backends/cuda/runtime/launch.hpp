// Kernel launches of the cuda backend:
// - `ss::launch(n, SS_KERNEL(int64_t i) { … })` runs the body once for every i in [0, n), a thread
//   each: a grid of blocks of kSsBlock threads.
// - `ss::launch_tiles(n, SS_KERNEL(const ss::Tile &tile) { … })` runs the body once per tile, a
//   block of kSsTileThreads threads each, all of them running it: what differs between the
//   threads is only `tile.for_each(begin, end, f)`, which shares [begin, end) out between them,
//   and `tile.sync()` is the block's barrier. A body thus walks a sequence (the step's spikes, in
//   order) with every element's parallel part split over the block.
// Compiled with SPIKESWEEP_CUDA_EMULATE by the host compiler, both run on the CPU over every
// index — threads, tiles and each for_each's elements — in order or shuffled
// (SPIKESWEEP_CUDA_ORDER=shuffled), so a kernel whose result depends on the order of its threads
// (a race) shows up as different bits without a GPU.
// On a GPU launches are asynchronous, in one stream: host code reads their results only after
// `ss::wait_for_device()`. A run is a window (`begin_window` … `end_window`): its launches are
// captured into a CUDA Graph, launched as one whenever the host waits. Emulated, launches run as
// they are called and the same calls do nothing.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#ifdef SPIKESWEEP_CUDA_EMULATE
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
// A tile's block: two warps, for rows that put a few dozen synapses in a tile (tile_targets).
constexpr int64_t kSsTileThreads = 64;

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

// Runs f(i) for every i in [begin, end), in order or in a new shuffled order each call (the same
// every run: the emulation must be reproducible too).
template <class F> void emulate_each(int64_t begin, int64_t end, const F &f) {
  if (!emulate_shuffled()) {
    for (int64_t i = begin; i < end; ++i) f(i);
    return;
  }
  static std::mt19937_64 rng(20240917);
  std::vector<int64_t> order(size_t(end > begin ? end - begin : 0));
  std::iota(order.begin(), order.end(), begin);
  std::shuffle(order.begin(), order.end(), rng);
  for (const int64_t i : order) f(i);
}

template <class Body> void launch(int64_t n, const Body &body) {
  if (n <= 0) return;
  // Every thread of the last block, the ones past n too, as a GPU runs them.
  emulate_each(0, (n + kSsBlock - 1) / kSsBlock * kSsBlock, [&](int64_t i) { if (i < n) body(i); });
}

struct Tile {
  int64_t index;
  template <class F> void for_each(int64_t begin, int64_t end, const F &f) const { emulate_each(begin, end, f); }
  void sync() const {}
};

template <class Body> void launch_tiles(int64_t n, const Body &body) {
  emulate_each(0, n, [&](int64_t t) { body(Tile{t}); });
}

// Launches run as they are called: nothing to wait for, nothing to capture.
inline void wait_for_device() {}
inline void begin_window(bool) {}
inline void end_window() {}
inline void discard_window() noexcept {}

#else

inline void check_cuda(cudaError_t status, const char *what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string("CUDA ") + what + ": " + cudaGetErrorString(status));
}

// The host thread's launches, in one stream, in order. A sim runs on one host thread at a time
// (device.hpp), so the stream is the thread's, made on its first run's device.
struct LaunchQueue {
  cudaStream_t stream = nullptr;
  bool in_window = false;  // between begin_window and end_window: launches are captured
  bool capturing = false;
};

inline LaunchQueue &launch_queue() {
  thread_local LaunchQueue queue;
  if (!queue.stream) check_cuda(cudaStreamCreateWithFlags(&queue.stream, cudaStreamNonBlocking), "stream");
  return queue;
}

inline void begin_capture(LaunchQueue &q) {
  check_cuda(cudaStreamBeginCapture(q.stream, cudaStreamCaptureModeThreadLocal), "graph capture");
  q.capturing = true;
}

// Ends the capture and launches what it holds as one CUDA Graph (freed once it has run).
inline void launch_captured(LaunchQueue &q) {
  q.capturing = false;
  cudaGraph_t graph = nullptr;
  check_cuda(cudaStreamEndCapture(q.stream, &graph), "graph capture");
  size_t nodes = 0;
  cudaError_t status = cudaGraphGetNodes(graph, nullptr, &nodes);
  cudaGraphExec_t exec = nullptr;
  if (status == cudaSuccess && nodes > 0) status = cudaGraphInstantiate(&exec, graph, 0);
  if (status == cudaSuccess && exec) status = cudaGraphLaunch(exec, q.stream);
  if (exec) cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
  check_cuda(status, "graph launch");
}

// Waits for every launch so far; the host then reads what they wrote. Inside a window what was
// captured since the host last waited runs first, as one graph, and capturing starts again.
inline void wait_for_device() {
  LaunchQueue &q = launch_queue();
  if (q.capturing) launch_captured(q);
  check_cuda(cudaStreamSynchronize(q.stream), "kernel");
  if (q.in_window) begin_capture(q);
}

// A window (a run): with `capture`, its launches are captured until the host waits for them (a
// network whose host phases wait every step launches directly: a graph per step would cost more
// to build than it saves).
inline void begin_window(bool capture) {
  LaunchQueue &q = launch_queue();
  q.in_window = capture;
  if (capture) begin_capture(q);
}

inline void end_window() {
  launch_queue().in_window = false;
  wait_for_device();
}

// After a failed run: drops what was captured and waits, reporting nothing (the run's error is).
inline void discard_window() noexcept {
  cudaGraph_t dropped = nullptr;
  try {
    LaunchQueue &q = launch_queue();
    q.in_window = false;
    if (q.capturing && cudaStreamEndCapture(q.stream, &dropped) == cudaSuccess && dropped) cudaGraphDestroy(dropped);
    q.capturing = false;
    cudaStreamSynchronize(q.stream);
    cudaGetLastError();
  } catch (const std::exception &) {
  }
}

template <class Body> __global__ void run_kernel(int64_t n, Body body) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) body(i);
}

template <class Body> void launch(int64_t n, const Body &body) {
  if (n <= 0) return;
  run_kernel<<<unsigned((n + kSsBlock - 1) / kSsBlock), unsigned(kSsBlock), 0, launch_queue().stream>>>(n, body);
  check_cuda(cudaGetLastError(), "kernel launch");
}

struct Tile {
  int64_t index;
  template <class F> __device__ void for_each(int64_t begin, int64_t end, const F &f) const {
    for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) f(i);
  }
  __device__ void sync() const { __syncthreads(); }
};

template <class Body> __global__ void run_tiles(Body body) { body(Tile{int64_t(blockIdx.x)}); }

template <class Body> void launch_tiles(int64_t n, const Body &body) {
  if (n <= 0) return;
  run_tiles<<<unsigned(n), unsigned(kSsTileThreads), 0, launch_queue().stream>>>(body);
  check_cuda(cudaGetLastError(), "kernel launch");
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

// Postsynaptic neurons per delivery tile, or 0 for a thread per neuron. Tiles are at least a
// block wide and many enough to fill a GPU (132 SMs × 8 blocks); they pay where a mean row puts a
// synapse or more in each tile, so a spike gives the tile's threads work. Sparser rows leave a
// tile's threads searching rows for nothing and waiting at its barriers, where a thread per
// neuron searches each row once for itself and needs no barrier.
inline int64_t tile_targets(int64_t posts, int64_t synapses, int64_t rows) {
  constexpr int64_t kTiles = 1024;
  const int64_t len = std::max(kSsTileThreads, (posts + kTiles - 1) / kTiles);
  return rows > 0 && synapses * len >= rows * posts ? len : 0;
}

}  // namespace ss
