// The part of a simulation every generated network shares: the array store, populations' spike
// lists and spike history (for axonal delays), monitors and the run loop. Generated code derives
// from SimBase and supplies one step of its model.
#pragma once
#include <omp.h>

#include <algorithm>
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
#include "store.hpp"

namespace ss {

struct Population {
  int64_t size = 0;
  std::vector<int32_t> spiked;                    // this step's spikes, ascending
  std::vector<std::vector<int32_t>> thread_spikes;  // per-thread spikes of contiguous ranges
  std::vector<std::vector<int32_t>> history;      // spikes of the last `history.size()` steps
  std::vector<uint8_t> fire;                      // scratch: spike condition per neuron this step

  void init(int64_t n, int history_depth, int threads) {
    size = n;
    fire.assign(size_t(n) + 8, 0);  // padded for word-wise scans
    history.assign(size_t(std::max(history_depth, 1)), {});
    thread_spikes.assign(size_t(std::max(threads, 1)), {});
  }
  // Spikes emitted `delay` steps before `step` (delay ≥ 1, ≤ history depth).
  const std::vector<int32_t> &emitted(int64_t step, int64_t delay) const {
    static const std::vector<int32_t> none;
    const int64_t when = step - delay;
    return when < 0 ? none : history[size_t(when % int64_t(history.size()))];
  }
  // Concatenating per-thread ranges in thread order keeps spikes ascending for any thread count.
  void gather(int64_t step, int used_threads) {
    spiked.clear();
    for (int t = 0; t < used_threads; ++t) spiked.insert(spiked.end(), thread_spikes[size_t(t)].begin(), thread_spikes[size_t(t)].end());
    history[size_t(step % int64_t(history.size()))] = spiked;
  }
};

// Contiguous slice of [0, n) for thread t of T: the same partition on every run.
inline void thread_range(int64_t n, int t, int T, int64_t &begin, int64_t &end) {
  begin = n * t / T;
  end = n * (t + 1) / T;
}

// Below this many elements a step's work (~1 ns per neuron) is cheaper than waking threads for
// it (a parallel region costs microseconds): such populations run on the calling thread.
constexpr int64_t kParallelMinimum = 32768;

// Runs body(begin, end, spikes_out) over contiguous neuron ranges, one per thread, then gathers
// the spikes in neuron order. The partition never changes results, only who computes them.
template <class Body> void update_population(Population &P, int64_t step, int threads, Body body) {
  if (threads <= 1 || P.size < kParallelMinimum) {
    P.thread_spikes[0].clear();
    body(int64_t(0), P.size, P.thread_spikes[0]);
    P.gather(step, 1);
    return;
  }
  int used = 1;
#pragma omp parallel num_threads(threads)
  {
    const int T = omp_get_num_threads(), t = omp_get_thread_num();
#pragma omp single
    used = T;
    int64_t begin, end;
    thread_range(P.size, t, T, begin, end);
    std::vector<int32_t> &out = P.thread_spikes[size_t(t)];
    out.clear();
    body(begin, end, out);
  }
  P.gather(step, used);
}

// Runs body(begin, end) over contiguous ranges of [0, n) in parallel (independent elements only).
template <class Body> void parallel_ranges(int64_t n, int threads, Body body) {
  if (threads <= 1 || n < kParallelMinimum) {
    body(int64_t(0), n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    int64_t begin, end;
    thread_range(n, omp_get_thread_num(), omp_get_num_threads(), begin, end);
    body(begin, end);
  }
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

  virtual ~SimBase() = default;
  // Advances the model by one step (spike delivery, neuron and synapse updates, post events).
  virtual void step_once() = 0;
  // Whether the stop condition of population p holds for any (mode ANY) or all (mode ALL) neurons.
  virtual bool stop_condition(int32_t population, int32_t mode) = 0;
  virtual void set_threads(int n) {
    threads = std::max(n, 1);
    for (auto &p : populations) p.thread_spikes.assign(size_t(threads), {});
  }

  void record() {
    for (auto &m : monitors) {
      if (m.kind == SS_MONITOR_SPIKES)
        m.record_spikes(step, populations[size_t(m.population)].spiked);
      else
        m.record_state(step);
    }
  }
};

}  // namespace ss
