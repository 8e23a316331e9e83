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
// A batch (copies of one structure stepped together, ss_join) adds a copy dimension: while it
// steps, each copy's launches are recorded (CopyLaunches), then run as one launch over
// copies × n threads or copies × tiles blocks (below).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef SPIKESWEEP_CUDA_EMULATE
#include <cstring>
#include <numeric>
#include <random>
#include <vector>
#define SS_DEVICE_FN
#define SS_TILE_FN inline
#define SS_KERNEL [=]
#else
#include <cuda_runtime.h>
#define SS_DEVICE_FN __host__ __device__
// A function a tile's threads call: it uses the tile's for_each and sync, device code on a GPU.
#define SS_TILE_FN __device__ inline
#define SS_KERNEL [=] __device__
#endif

namespace ss {

constexpr int64_t kSsBlock = 256;
// A tile's block: two warps, for rows that put a few dozen synapses in a tile (delivery.hpp's tile_targets).
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

// One launch a copy of a batch recorded: its body (a copy of the kernel's closure, which holds
// that copy's arrays) and shape. `run` runs the bodies of the same launch of several copies as one
// launch; it is one function per kernel, so equal `run`, `tiles` and `n` mean the same launch.
struct RecordedLaunch {
  using Run = void (*)(const RecordedLaunch *const *launches, int64_t copies);
  Run run = nullptr;
  bool tiles = false;
  int64_t n = 0;
  std::shared_ptr<const void> body;
  bool same_as(const RecordedLaunch &other) const { return run == other.run && tiles == other.tiles && n == other.n; }
};

// The host thread's batch, while it steps: the copy stepping now, and what each copy launched.
struct CopyLaunches {
  bool recording = false;
  int64_t copy = 0;
  std::vector<std::vector<RecordedLaunch>> launches;  // per copy, in its order
};

inline CopyLaunches &copy_launches() {
  thread_local CopyLaunches batch;
  return batch;
}

template <class Body, bool Tiles> void run_copies(const RecordedLaunch *const *launches, int64_t copies);

// Records the launch for the copy stepping now; false when no batch is stepping.
template <class Body, bool Tiles> bool record_launch(int64_t n, const Body &body) {
  CopyLaunches &batch = copy_launches();
  if (!batch.recording) return false;
  batch.launches[size_t(batch.copy)].push_back(RecordedLaunch{&run_copies<Body, Tiles>, Tiles, n, std::make_shared<const Body>(body)});
  return true;
}

// Runs a copy's recorded launches on their own, in order, and forgets them: before its host phase
// reads the device, or where the copies' launches differ.
inline void run_recorded(std::vector<RecordedLaunch> &launches) {
  for (const RecordedLaunch &l : launches) {
    const RecordedLaunch *one = &l;
    l.run(&one, 1);
  }
  launches.clear();
}

// Before the host waits inside a batch's step: the waiting copy's launches so far run first.
inline void run_waiting_copy() {
  CopyLaunches &batch = copy_launches();
  if (batch.recording) run_recorded(batch.launches[size_t(batch.copy)]);
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
  if (n <= 0 || record_launch<Body, false>(n, body)) return;
  // Every thread of the last block, the ones past n too, as a GPU runs them.
  emulate_each(0, (n + kSsBlock - 1) / kSsBlock * kSsBlock, [&](int64_t i) { if (i < n) body(i); });
}

struct Tile {
  int64_t index;
  template <class F> void for_each(int64_t begin, int64_t end, const F &f) const { emulate_each(begin, end, f); }
  void sync() const {}
};

template <class Body> void launch_tiles(int64_t n, const Body &body) {
  if (n <= 0 || record_launch<Body, true>(n, body)) return;
  emulate_each(0, n, [&](int64_t t) { body(Tile{t}); });
}

// The copies' bodies of one launch: thread (or tile) t of copies × n is copy t / n's t % n, the
// copies' threads visited in one order or shuffled together.
template <class Body, bool Tiles> void run_copies(const RecordedLaunch *const *launches, int64_t copies) {
  const int64_t n = launches[0]->n;
  const int64_t total = copies * n;
  const auto body = [&](int64_t t) -> const Body & { return *static_cast<const Body *>(launches[t / n]->body.get()); };
  if constexpr (Tiles) emulate_each(0, total, [&](int64_t t) { body(t)(Tile{t % n}); });
  else emulate_each(0, (total + kSsBlock - 1) / kSsBlock * kSsBlock, [&](int64_t t) { if (t < total) body(t)(t % n); });
}

// Launches run as they are called: nothing to wait for, nothing to capture (a batch's waiting
// copy runs what it recorded).
inline void wait_for_device() { run_waiting_copy(); }
inline void begin_window(bool) {}
inline void stop_capturing() {}
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
  // A batch's launches read their copies' bodies from here (managed memory, allocated outside a
  // capture): filled as they are launched, free again once the host has waited for them.
  uint8_t *bodies = nullptr;
  size_t bodies_capacity = 0, bodies_used = 0;
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

// Runs what was captured since the host last waited, as one graph, and waits for every launch;
// inside a window capturing starts again.
inline void sync_queue(LaunchQueue &q) {
  if (q.capturing) launch_captured(q);
  check_cuda(cudaStreamSynchronize(q.stream), "kernel");
  q.bodies_used = 0;
  if (q.in_window) begin_capture(q);
}

// Waits for every launch so far; the host then reads what they wrote (a batch's waiting copy
// first runs what it recorded).
inline void wait_for_device() {
  run_waiting_copy();
  sync_queue(launch_queue());
}

// Room for `bytes` of a batch launch's bodies. When full, the host waits for the launches reading
// it; it grows (outside a capture, where allocating is allowed) for a launch larger than all of it.
inline void *take_bodies(size_t bytes) {
  LaunchQueue &q = launch_queue();
  bytes = (bytes + 255) / 256 * 256;
  if (q.bodies_used + bytes > q.bodies_capacity) {
    const bool window = q.in_window;
    q.in_window = false;
    sync_queue(q);
    if (bytes > q.bodies_capacity) {
      const size_t capacity = std::max({bytes, 2 * q.bodies_capacity, size_t(1) << 20});
      if (q.bodies) cudaFree(q.bodies);
      q.bodies = nullptr;
      q.bodies_capacity = 0;
      check_cuda(cudaMallocManaged(&q.bodies, capacity), "batch launch memory");
      q.bodies_capacity = capacity;
    }
    q.in_window = window;
    if (window) begin_capture(q);
  }
  void *at = q.bodies + q.bodies_used;
  q.bodies_used += bytes;
  return at;
}

// A window (a run): with `capture`, its launches are captured until the host waits for them (a
// network whose host phases wait every step launches directly: a graph per step would cost more
// to build than it saves).
inline void begin_window(bool capture) {
  LaunchQueue &q = launch_queue();
  q.in_window = capture;
  // A batch's copies each begin the run's one window.
  if (capture && !q.capturing) begin_capture(q);
}

// Runs what was captured so far and captures nothing more of the window: a resident batch
// (resident.hpp) launches each window of steps as one kernel itself.
inline void stop_capturing() {
  LaunchQueue &q = launch_queue();
  q.in_window = false;
  sync_queue(q);
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
  if (n <= 0 || record_launch<Body, false>(n, body)) return;
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
  if (n <= 0 || record_launch<Body, true>(n, body)) return;
  run_tiles<<<unsigned(n), unsigned(kSsTileThreads), 0, launch_queue().stream>>>(body);
  check_cuda(cudaGetLastError(), "kernel launch");
}

// A batch launch: the grid's y index is the copy (no division to find it), x the launch's blocks
// as one copy's: copy blockIdx.y's body at thread index i, or at tile blockIdx.x.
// A copy's body is read from memory where a single copy's is a kernel parameter, which costs
// registers (the features network's STDP delivery tiles: 74 against 50; backends/README.md).
constexpr int64_t kMaxCopies = 65535;  // a grid's y extent

template <class Body> __global__ void run_copy_kernel(int64_t n, const Body *bodies) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) bodies[blockIdx.y](i);
}

template <class Body> __global__ void run_copy_tiles(const Body *bodies) { bodies[blockIdx.y](Tile{int64_t(blockIdx.x)}); }

template <class Body, bool Tiles> void run_copies(const RecordedLaunch *const *launches, int64_t copies) {
  if (copies > kMaxCopies) throw std::runtime_error("a cuda batch holds at most " + std::to_string(kMaxCopies) + " copies, got " + std::to_string(copies));
  const int64_t n = launches[0]->n;
  auto *bodies = static_cast<Body *>(take_bodies(sizeof(Body) * size_t(copies)));
  for (int64_t c = 0; c < copies; ++c) new (bodies + c) Body(*static_cast<const Body *>(launches[c]->body.get()));
  const cudaStream_t stream = launch_queue().stream;
  if constexpr (Tiles) run_copy_tiles<Body><<<dim3(unsigned(n), unsigned(copies)), unsigned(kSsTileThreads), 0, stream>>>(bodies);
  else run_copy_kernel<Body><<<dim3(unsigned((n + kSsBlock - 1) / kSsBlock), unsigned(copies)), unsigned(kSsBlock), 0, stream>>>(n, bodies);
  check_cuda(cudaGetLastError(), "kernel launch");
}

#endif

// The launches of one step of a batch's copies: while it lives, each copy's launches are recorded
// (select the copy before stepping it); launch() runs the launches every copy made alike — the
// same kernel over the same size — as one launch each, then each copy's remaining ones on their
// own, in its order (copies are independent: only each copy's own order matters).
class CopySteps {
 public:
  explicit CopySteps(int64_t copies) : batch_(copy_launches()) {
    batch_.launches.assign(size_t(copies), {});
    batch_.recording = true;
  }
  CopySteps(const CopySteps &) = delete;
  CopySteps &operator=(const CopySteps &) = delete;
  ~CopySteps() {
    batch_.recording = false;
    batch_.launches.clear();
  }
  void select(int64_t copy) { batch_.copy = copy; }
  void launch() {
    batch_.recording = false;
    auto &lists = batch_.launches;
    std::vector<const RecordedLaunch *> same(lists.size());
    size_t k = 0;
    for (;; ++k) {
      const bool alike = std::all_of(lists.begin(), lists.end(), [&](const auto &l) { return k < l.size() && l[k].same_as(lists[0][k]); });
      if (!alike) break;
      for (size_t c = 0; c < lists.size(); ++c) same[c] = &lists[c][k];
      same[0]->run(same.data(), int64_t(lists.size()));
    }
    for (auto &l : lists) {
      l.erase(l.begin(), l.begin() + int64_t(std::min(k, l.size())));
      run_recorded(l);
    }
    batch_.recording = true;
  }

 private:
  CopyLaunches &batch_;
};

}  // namespace ss
