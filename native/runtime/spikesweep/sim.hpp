// The part of a simulation every generated network shares: the array store, populations' spike
// lists and spike history (for axonal delays), monitors and the run loop. Generated code derives
// from SimBase and supplies one step of its model.
#pragma once
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "connectivity.hpp"
#include "distributions.hpp"
#include "monitor.hpp"
#include "philox.hpp"
#include "refractory.hpp"
#include "rows.hpp"
#include "store.hpp"
#include "team.hpp"  // the backend's: backends/<name>/runtime/team.hpp

// The generated model math (one neuron or synapse per call) is inlined into each schedule's loops,
// where the compiler vectorises it; a backend whose math also runs elsewhere defines SS_MATH first.
#ifndef SS_MATH
#define SS_MATH static inline __attribute__((always_inline))
#endif

namespace ss {

// Below this many elements a step's work (~1 ns per neuron) is cheaper than sharing it between
// threads (a barrier costs about a microsecond): smaller populations run on one thread.
constexpr int64_t kParallelMinimum = 32768;

// An atomic that vectors can hold (they copy elements when resized): a copy takes the value.
template <class T> struct CopyableAtomic : std::atomic<T> {
  using std::atomic<T>::atomic;
  using std::atomic<T>::operator=;
  CopyableAtomic(const CopyableAtomic &other) : std::atomic<T>(other.load()) {}
  CopyableAtomic &operator=(const CopyableAtomic &other) {
    this->store(other.load());
    return *this;
  }
};

// One thread's run of a population's chunks, [next, end), taken one at a time by its owner and,
// once the owner's own are done, by the other threads. A line of its own: every thread writes it.
struct alignas(64) ChunkRun {
  CopyableAtomic<int64_t> next{0};
  int64_t end = 0;
};

// Per thread of the team: the last step whose deliveries it has made. Split deliveries reach only
// the neurons of the thread's own chunks (target_range), so instead of a barrier after delivery a
// thread that takes over another's chunk waits for that thread's mark. A line of its own.
struct alignas(64) DeliveryMark {
  CopyableAtomic<int64_t> step{-1};
  void wait_for(int64_t s) const {
    while (step.load(std::memory_order_acquire) < s) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }
};

struct Population {
  int64_t size = 0;
  int64_t depth = 1;          // steps of spike history kept (the longest outgoing delay)
  int32_t *history = nullptr; // depth × size: spikes of step s in row s % depth (store array, part of a checkpoint)
  int32_t *history_count = nullptr;  // depth: spikes in each row
  Spikes spiked;              // this step's spikes, valid after the population's update
  std::vector<std::vector<int32_t>> chunk_spikes;  // this step's spikes of each chunk of kUpdateChunk neurons
  std::vector<ChunkRun> chunk_runs;  // per thread: the chunks it starts the step's update with
  std::vector<uint8_t> fire;  // scratch: spike condition per neuron this step
  Refractory refractory;      // attached by models with a refractory period

  void init(Store &store, const std::string &name, int64_t n, int64_t history_depth, int threads) {
    size = n;
    depth = std::max<int64_t>(history_depth, 1);
    history = store.add<int32_t>(name + "._spike_history", depth * n, SS_ARRAY_STATE);
    history_count = store.add<int32_t>(name + "._spike_history_count", depth, SS_ARRAY_STATE);
    fire.assign(size_t(n) + 8, 0);  // padded for word-wise scans
    chunk_spikes.assign(size_t(chunk_count(n)), {});
    set_threads(threads);
  }
  // Spikes emitted `delay` steps before `step` (1 ≤ delay ≤ depth).
  Spikes emitted(int64_t step, int64_t delay) const {
    const int64_t when = step - delay;
    if (when < 0) return {};
    const int64_t row = when % depth;
    return {history + row * size, history_count[row]};
  }
  // Concatenating the chunks' spikes in chunk order keeps them ascending for any thread count.
  void gather(int64_t step) {
    const int64_t row = step % depth;
    int32_t *out = history + row * size;
    int64_t n = 0;
    for (const auto &chunk : chunk_spikes)
      for (int32_t i : chunk) out[n++] = i;
    history_count[row] = int32_t(n);
    spiked = {out, n};
    deal_chunks();
    if (refractory.used()) refractory.gather();
  }
  // Each thread of the team starts on a contiguous run of chunks (as far from the others' as a
  // fixed split would be: threads working side by side ran at half speed on this VM now and then),
  // the chunks of the neurons it delivers to (target_range).
  void deal_chunks() {
    const int T = int(chunk_runs.size());
    for (int t = 0; t < T; ++t) {
      int64_t first, last;
      thread_range(int64_t(chunk_spikes.size()), t, T, first, last);
      chunk_runs[size_t(t)].next.store(first, std::memory_order_relaxed);
      chunk_runs[size_t(t)].end = last;
    }
  }
  void set_threads(int threads) {
    chunk_runs.assign(size_t(std::max(threads, 1)), {});
    deal_chunks();
    refractory.set_threads(threads);
  }
  // Forgets spikes in flight (the clock was moved).
  void clear_history() {
    std::fill(history_count, history_count + depth, 0);
    spiked = {};
  }
};

// Kernels are called by every thread of the run's team (team.hpp, the backend's); these helpers
// split work between its threads.

// Runs body(begin, end, spikes_out) over the population's chunks in step s: each thread of the
// team takes its own run of them, then helps with the others' — on a VM one CPU often runs slower
// than the other for seconds, and a fixed split made the faster thread wait for it. Another
// thread's chunk is taken only once that thread's deliveries are made (its mark). Each chunk's
// spikes are kept apart for the gather at the end of the step (SimBase::end_step); which thread
// updates a neuron never changes results.
template <class Body> void update_population(Population &P, const std::vector<DeliveryMark> &delivered, int64_t s, Body body) {
  const bool team = in_team();
  const int T = int(P.chunk_runs.size()), t = team ? team_thread() : 0;
  for (int k = 0; k < T; ++k) {
    const int owner = (t + k) % T;
    ChunkRun &run = P.chunk_runs[size_t(owner)];
    bool delivered_to = k == 0 || !team;
    for (int64_t c; (c = run.next.fetch_add(1, std::memory_order_relaxed)) < run.end;) {
      if (!delivered_to) {
        delivered[size_t(owner)].wait_for(s);
        delivered_to = true;
      }
      std::vector<int32_t> &out = P.chunk_spikes[size_t(c)];
      out.clear();
      body(c * kUpdateChunk, std::min(P.size, (c + 1) * kUpdateChunk), out);
    }
  }
}

// Runs body(begin, end) over contiguous ranges of [0, n) across the team (independent elements).
template <class Body> void parallel_ranges(int64_t n, Body body) {
  if (!in_team() || n < kParallelMinimum) {
    one_thread([&] { body(int64_t(0), n); });
    return;
  }
  int64_t begin, end;
  thread_range(n, team_thread(), team_size(), begin, end);
  body(begin, end);
  team_barrier();
}

// Initial values of one attribute: one element per neuron/synapse (or one shared), each drawn
// from the attribute's descriptor with its own Philox stream.
template <class T> void fill_from(T *out, int64_t n, const Dist &d, uint64_t seed, uint32_t stream) {
  for (int64_t i = 0; i < n; ++i) out[i] = T(d.sample(seed, stream, uint64_t(i)));
}

// Finds a named input handed to ss_create; null when absent.
const ss_input *find_input(const ss_create_args *a, const char *name);

// Delays in ms → whole steps (≥ 1; the spec checker refuses delays shorter than dt).
inline int64_t delay_steps(double ms, double dt) { return std::max<int64_t>(1, std::llround(ms / dt)); }

// Post-major index of a CSR, for postsynaptic events: for each post neuron its synapses in pre order.
struct PostIndex {
  std::vector<int64_t> ptr;   // n_post + 1
  std::vector<int64_t> syn;   // synapse of each entry
  std::vector<int32_t> pre;   // presynaptic neuron of each entry
};
PostIndex post_index(const int64_t *row_ptr, const int32_t *col, int64_t n_pre, int64_t n_post);

struct SimBase {
  uint64_t seed = 0;
  int threads = 1;
  int64_t step = 0;
  Store store;
  std::vector<Population> populations;
  std::vector<Monitor> monitors;
  std::vector<RowSplit> row_splits;  // per projection whose delivery is split by target (else unused)
  std::vector<DeliveryMark> delivered;  // per thread of the team

  virtual ~SimBase() = default;
  // Advances the model by one step up to its spikes: delivery, neuron and continuous synapse
  // updates. Called by every thread of the run's team, it ends with a barrier (serial phases run
  // on one of them, one_thread); end_step follows on one thread.
  virtual void step_once() = 0;
  // Whether any population is large enough to share between threads.
  bool worth_a_team() const {
    for (const auto &p : populations)
      if (p.size >= kParallelMinimum) return true;
    return false;
  }
  // After every thread's step_once, on one thread: gathers each population's spikes (in neuron
  // order, whatever the thread count) and processes postsynaptic events.
  void end_step() {
    for (auto &p : populations) p.gather(step);
    post_events(step);
  }
  virtual void post_events(int64_t s) { (void)s; }
  // Whether the stop condition of population p holds for any (mode ANY) or all (mode ALL) neurons.
  virtual bool stop_condition(int32_t population, int32_t mode) = 0;
  // The team's size: at most the backend's thread limit (team.hpp).
  void init_team(int n) {
    threads = std::clamp(n, 1, thread_limit());
    delivered.assign(size_t(threads), {});
  }
  // After the calling thread's deliveries of step s.
  void deliveries_made(int64_t s) { delivered[size_t(team_thread())].step.store(s, std::memory_order_release); }
  virtual void set_threads(int n) {
    init_team(n);
    for (auto &p : populations) p.set_threads(threads);
    for (auto &r : row_splits) r.build(threads);
  }
  // Around every run: the refractory countdown runs in bytes (see refractory.hpp), the update's
  // chunks are dealt afresh (a run that failed mid-step may have left some taken), and delivery
  // marks forget the last run (a run may repeat its steps).
  void begin_run() {
    for (auto &p : populations) {
      p.deal_chunks();
      if (p.refractory.used()) p.refractory.begin_run();
    }
    for (auto &d : delivered) d.step.store(-1, std::memory_order_relaxed);
  }
  void end_run() {
    for (auto &p : populations)
      if (p.refractory.used()) p.refractory.end_run();
  }

  void record() {
    for (auto &m : monitors) {
      if (m.kind == SS_MONITOR_SPIKES)
        m.record_spikes(step, populations[size_t(m.population)].spiked.data, populations[size_t(m.population)].spiked.count);
      else
        m.record_state(step);
    }
  }
};

}  // namespace ss
