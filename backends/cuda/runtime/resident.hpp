// The resident schedule of the cuda backend (schedule.ts): a batch whose copies' state fits one
// block's shared memory runs a window of steps per launch, one block per copy. The block copies its
// copy's per-neuron state (ResidentCopy::each_staged, laid out by backends/cuda/resident.ts) from
// the arrays into shared memory, runs every step of the window there — each phase a loop of the
// block's threads over the phase's elements (`ss::block::launch`) or over its tiles in order
// (`ss::block::launch_tiles`), a barrier ending each — records its monitors into their buffers,
// and copies the state back. The host touches nothing between the window's steps: no launch per
// phase, no recording per copy.
// Connectivity, spike history and delay rings stay in the arrays (global memory, the batch's
// shared connectivity read by every block).
// Emulated (SPIKESWEEP_CUDA_EMULATE), blocks run one after another over one buffer standing for
// shared memory, poisoned before each block: state a copy failed to stage in or out shows up as
// wrong bits. Threads run in order or shuffled, as for every emulated launch (launch.hpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <type_traits>
#include <vector>

#include "launch.hpp"
#include "monitor_buffers.hpp"
#include "spike_stage.hpp"

#ifdef SPIKESWEEP_CUDA_EMULATE
#define SS_RESIDENT_FN inline
#else
#define SS_RESIDENT_FN __device__ inline
#endif
// A phase's body in a resident copy's step (its kernels' bodies elsewhere: SS_KERNEL).
#define SS_BLOCK_FN [=]

namespace ss {

// Threads of a resident block: 512 where a block has its SM to itself (100–200 KB of shared
// memory), leaving each the 128 registers of the SM's 65,536 (nvcc fits CUBA's kernel in them);
// half as many where two blocks fit an SM (at most ~113 KB each on an H100: resident.ts stages
// for that), so a large batch runs in half the waves.
constexpr int64_t kResidentThreads = 512;
// Steps per launch at most: the host checks for cancellation and reports progress between windows.
constexpr int64_t kResidentWindow = 1000;
// An H100's shared memory per block (cudaDevAttrMaxSharedMemoryPerBlockOptin), the emulated
// device's; backends/cuda/plan.ts assumes the same.
constexpr int64_t kH100SharedPerBlock = 232448;

// A population as a resident copy's phases read it (Population's spike history, in the arrays).
struct ResidentPopulation {
  int64_t size = 0, depth = 1;
  int32_t *history = nullptr, *history_count = nullptr;
};
template <class T> struct DeviceArray {
  T *at = nullptr;
  SS_DEVICE_FN T *data() const { return at; }
};
// A population's spike stage (spike_stage.hpp) as a resident copy reads it.
struct ResidentStage {
  DeviceArray<int32_t> chunk_count, chunk_first, part_sums;
};

inline ResidentPopulation resident_population(const Population &p) { return {p.size, p.depth, p.history, p.history_count}; }
inline ResidentStage resident_stage(SpikeStage &s) { return {{s.chunk_count.data()}, {s.chunk_first.data()}, {s.part_sums.data()}}; }

// Phases of a resident copy's step, run by its block.
namespace block {
#ifdef SPIKESWEEP_CUDA_EMULATE
template <class Body> void launch(int64_t n, const Body &body) { emulate_each(0, n, [&](int64_t i) { body(i); }); }
template <class Body> void launch_tiles(int64_t n, const Body &body) {
  for (int64_t t = 0; t < n; ++t) body(Tile{t});
}
#else
template <class Body> __device__ void launch(int64_t n, const Body &body) {
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) body(i);
  __syncthreads();
}
// Every thread runs each tile's body (Tile::for_each shares its parts out, Tile::sync is the
// block's barrier), the tiles in order.
template <class Body> __device__ void launch_tiles(int64_t n, const Body &body) {
  for (int64_t t = 0; t < n; ++t) {
    body(Tile{t});
    __syncthreads();
  }
}
#endif
}  // namespace block

// What block b of a window runs: copy b and its monitors.
template <class Copy> struct ResidentWindow {
  Copy copy;
  const ResidentMonitor *monitors = nullptr;
  int64_t num_monitors = 0;
};

// Where a block reads `array` of copy `global` (its arrays in device memory): in shared memory
// where it is staged.
template <class Copy> SS_RESIDENT_FN const uint8_t *staged_or_global(const Copy &global, const uint8_t *shared, const void *array) {
  const uint8_t *at = static_cast<const uint8_t *>(array);
  Copy::each_staged(global, [&](const void *staged, int64_t, int64_t offset) {
    if (staged == array) at = shared + offset;
  });
  return at;
}

// The step's samples of a copy's monitors, into their buffers' rows.
template <class Copy> SS_RESIDENT_FN void record_step(const Copy &c, const ResidentWindow<Copy> &w, const uint8_t *shared, int64_t s, int64_t k) {
  for (int64_t m = 0; m < w.num_monitors; ++m) {
    const ResidentMonitor &mon = w.monitors[m];
    const int32_t row = mon.row_at[k];
    if (row < 0) continue;
    if (mon.spikes) {
      const DeviceSpikes spiked = emitted_on_device(c.populations[mon.population], s + 1, 1);
      const int32_t total = *spiked.count;
      const int32_t *list = spiked.data;
      int32_t *out = reinterpret_cast<int32_t *>(mon.rows) + row * mon.width;
      int32_t *count = mon.counts + row;
      block::launch(int64_t(total) + 1, SS_BLOCK_FN(int64_t i) {
        if (i == total) *count = total;
        else out[i] = list[i];
      });
    } else {
      const uint8_t *from = staged_or_global(w.copy, shared, mon.source);
      const int32_t *indices = mon.indices;
      const int64_t element = mon.element;
      uint8_t *out = mon.rows + row * mon.width * element;
      block::launch(mon.width, SS_BLOCK_FN(int64_t i) {
        for (int64_t b = 0; b < element; ++b) out[i * element + b] = from[int64_t(indices[i]) * element + b];
      });
    }
  }
}

// Block b's window: stage copy b's state in, run steps [from, from + steps), stage it back out.
template <class Copy> SS_RESIDENT_FN void run_copy_window(const ResidentWindow<Copy> &w, uint8_t *shared, int64_t from, int64_t steps) {
  Copy c = w.copy;
  Copy::each_staged(c, [&](auto *&array, int64_t n, int64_t offset) {
    using T = std::remove_reference_t<decltype(*array)>;
    T *into = reinterpret_cast<T *>(shared + offset);
    const T *global = array;
    block::launch(n, SS_BLOCK_FN(int64_t i) { into[i] = global[i]; });
    array = into;
  });
  for (int64_t k = 0; k < steps; ++k) {
    c.step(from + k);
    record_step(c, w, shared, from + k, k);
  }
  Copy::each_staged(w.copy, [&](auto *global, int64_t n, int64_t offset) {
    using T = std::remove_pointer_t<decltype(global)>;
    const T *staged = reinterpret_cast<const T *>(shared + offset);
    block::launch(n, SS_BLOCK_FN(int64_t i) { global[i] = staged[i]; });
  });
}

// Shared memory a block may take: SPIKESWEEP_CUDA_SHARED_BYTES where set and not empty (0 runs
// every batch per step: benchmarks compare the schedules), else the device's opt-in maximum
// (emulated, an H100's).
inline int64_t shared_per_block(int device) {
  const char *set = std::getenv("SPIKESWEEP_CUDA_SHARED_BYTES");
  if (set && *set) return std::atoll(set);
#ifdef SPIKESWEEP_CUDA_EMULATE
  (void)device;
  return kH100SharedPerBlock;
#else
  int bytes = 0;
  check_cuda(cudaDeviceGetAttribute(&bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device), "shared memory per block");
  return bytes;
#endif
}

#ifdef SPIKESWEEP_CUDA_EMULATE
template <class Copy> void launch_resident(const ResidentWindow<Copy> *windows, int64_t copies, int64_t from, int64_t steps, int64_t bytes) {
  ArrayVector<uint8_t> shared(size_t(std::max<int64_t>(bytes, 1)), 0);
  emulate_each(0, copies, [&](int64_t b) {
    std::fill(shared.begin(), shared.end(), uint8_t(0xA5));
    run_copy_window(windows[b], shared.data(), from, steps);
  });
}
#else
template <class Copy> __global__ void __launch_bounds__(kResidentThreads, 1) resident_kernel(const ResidentWindow<Copy> *windows, int64_t from, int64_t steps) {
  extern __shared__ __align__(16) uint8_t shared[];
  run_copy_window(windows[blockIdx.x], shared, from, steps);
}

template <class Copy> void launch_resident(const ResidentWindow<Copy> *windows, int64_t copies, int64_t from, int64_t steps, int64_t bytes) {
  if (copies > int64_t(INT32_MAX)) throw std::runtime_error("a resident batch holds at most 2^31 - 1 copies");
  check_cuda(cudaFuncSetAttribute(resident_kernel<Copy>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)), "resident kernel's shared memory");
  check_cuda(cudaFuncSetAttribute(resident_kernel<Copy>, cudaFuncAttributePreferredSharedMemoryCarveout, int(cudaSharedmemCarveoutMaxShared)), "resident kernel's carveout");
  int per_sm = 0;
  check_cuda(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, resident_kernel<Copy>, int(kResidentThreads / 2), size_t(bytes)), "resident occupancy");
  const int64_t threads = per_sm >= 2 ? kResidentThreads / 2 : kResidentThreads;
  resident_kernel<Copy><<<unsigned(copies), unsigned(threads), size_t(bytes), launch_queue().stream>>>(windows, from, steps);
  check_cuda(cudaGetLastError(), "kernel launch");
}
#endif

// What a resident batch keeps between its windows: each copy's window and monitors, in the arrays'
// memory (managed on a GPU), rewritten by the host while no window runs.
template <class Copy> struct ResidentBuffers {
  ArrayVector<ResidentWindow<Copy>> windows;
  ArrayVector<ResidentMonitor> monitors;
  ArrayVector<int32_t> rows;
};

// One window of a batch whose first copy is `first` (a generated Sim with a ResidentCopy and
// monitor buffers): at most `steps` steps from the copies' step, in one launch, waited for.
// Returns the steps run (fewer where a monitor buffer fills first), or -1 where the batch steps
// one step at a time: its state does not fit a block's shared memory, or a run is profiled.
template <class Sim, class Copy> int64_t run_resident(Sim &first, const std::vector<SimBase *> &sims, int64_t steps) {
  if (first.profiling || steps <= 0 || Copy::staged_bytes > shared_per_block(first.device)) return -1;
  // The launches so far run first; the windows are launched, not captured into a graph.
  stop_capturing();
  int64_t window = std::min(steps, kResidentWindow);
  for (SimBase *s : sims) window = std::min(window, static_cast<Sim *>(s)->monitor_buffers.room(*s, window));
  const size_t copies = sims.size(), per_copy = first.monitors.size();
  ResidentBuffers<Copy> &buffers = first.resident_buffers;
  buffers.windows.resize(copies);
  buffers.monitors.resize(std::max<size_t>(copies * per_copy, 1));
  buffers.rows.resize(std::max<size_t>(copies * per_copy * size_t(window), 1));
  for (size_t c = 0; c < copies; ++c) {
    Sim &sim = *static_cast<Sim *>(sims[c]);
    ResidentWindow<Copy> &w = buffers.windows[c];
    sim.resident_copy(w.copy);
    w.monitors = buffers.monitors.data() + c * per_copy;
    w.num_monitors = int64_t(per_copy);
    sim.monitor_buffers.plan_window(sim, window, buffers.monitors.data() + c * per_copy, buffers.rows.data() + c * per_copy * size_t(window));
  }
  launch_resident(buffers.windows.data(), int64_t(copies), first.step, window, Copy::staged_bytes);
  wait_for_device();
  return window;
}

}  // namespace ss
