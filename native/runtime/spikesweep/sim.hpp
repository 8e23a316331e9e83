// The part of a simulation every generated network shares: the array store, populations' spike
// lists and spike history (for axonal delays), monitors and the run loop. Generated code derives
// from SimBase and supplies one step of its model.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "connectivity.hpp"
#include "distributions.hpp"
#include "math.hpp"
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

// Whether a neuron's refractory byte has run out (steps == 0), in the update loop. With AVX-512 a
// vector compare yields a k-register mask, and at a 256-bit vector preference (-march=rocketlake,
// GCC 12's -march=native on Intel Xeon) GCC 12 cannot narrow a byte compare's 32-lane mask to the
// 4 lanes of the doubles it selects: the whole update loop stayed scalar. A 32-bit compare's mask
// narrows, and 1..255 map to 0..254 while 0 wraps above, so it is the same test. Without AVX-512
// the byte compare stays: the 32-bit one ran COBA 4k 5 % slower on Zen 3 (bench/README.md).
SS_MATH bool refractory_over(uint8_t steps) {
#ifdef __AVX512F__
  return uint32_t(steps) - 1u > 254u;
#else
  return steps == 0;
#endif
}

struct Population {
  int64_t size = 0;
  int64_t depth = 1;          // steps of spike history kept (the longest outgoing delay)
  int32_t *history = nullptr; // depth × size: spikes of step s in row s % depth (store array, part of a checkpoint)
  int32_t *history_count = nullptr;  // depth: spikes in each row
  Spikes spiked;              // this step's spikes, valid after the population's update
  // This step's spikes as the schedule's update found them: one list per range of neurons, the
  // ranges in neuron order (one list for the whole population unless the schedule splits it).
  std::vector<std::vector<int32_t>> spike_lists;
  ArrayVector<uint8_t> fire;  // scratch: spike condition per neuron this step
  Refractory refractory;      // attached by models with a refractory period

  void init(Store &store, const std::string &name, int64_t n, int64_t history_depth, int threads) {
    size = n;
    depth = std::max<int64_t>(history_depth, 1);
    history = store.add<int32_t>(name + "._spike_history", depth * n, SS_ARRAY_STATE);
    history_count = store.add<int32_t>(name + "._spike_history_count", depth, SS_ARRAY_STATE);
    fire.assign(size_t(n) + 8, 0);  // padded for word-wise scans
    spike_lists.assign(1, {});
    set_threads(threads);
  }
  // Spikes emitted `delay` steps before `step` (1 ≤ delay ≤ depth).
  Spikes emitted(int64_t step, int64_t delay) const {
    const int64_t when = step - delay;
    if (when < 0) return {};
    const int64_t row = when % depth;
    return {history + row * size, history_count[row]};
  }
  // Concatenating the lists in order keeps the spikes ascending for any thread count.
  void gather(int64_t step) {
    const int64_t row = step % depth;
    int32_t *out = history + row * size;
    int64_t n = 0;
    for (const auto &list : spike_lists)
      for (int32_t i : list) out[n++] = i;
    history_count[row] = int32_t(n);
    spiked = {out, n};
    if (refractory.used()) refractory.gather();
  }
  void set_threads(int threads) { refractory.set_threads(threads); }
  // Forgets spikes in flight (the clock was moved).
  void clear_history() {
    std::fill(history_count, history_count + depth, 0);
    spiked = {};
  }
};

// Initial values of one attribute: one element per neuron/synapse (or one shared), each drawn
// from the attribute's descriptor with its own Philox stream.
template <class T> void fill_from(T *out, int64_t n, const Dist &d, uint64_t seed, uint32_t stream) {
  for (int64_t i = 0; i < n; ++i) out[i] = T(d.sample(seed, stream, uint64_t(i)));
}

// Finds a named input handed to ss_create; null when absent.
const ss_input *find_input(const ss_create_args *a, const char *name);

// Delays in ms → whole steps (≥ 1; the spec checker refuses delays shorter than dt).
inline int64_t delay_steps(double ms, double dt) { return std::max<int64_t>(1, steps_of(ms, dt)); }

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

  // Profiling (Brian2's profile=True): seconds spent in each block of the step while it is on.
  // Blocks are the generated ones (each population's update, each projection's delivery, psp and
  // synaptic equations, in step order), then the end of the step and the monitors. Each thread
  // adds to its own row, so a block all threads share counts the sum of their times.
  bool profiling = false;
  std::vector<std::string> profile_blocks;
  std::vector<double> profile_seconds;  // [thread * blocks + block]
  int end_step_block = 0, record_block = 0;

  void set_profile_blocks(std::vector<std::string> generated) {
    profile_blocks = std::move(generated);
    end_step_block = int(profile_blocks.size());
    profile_blocks.push_back("end of step (spike history, postsynaptic events)");
    record_block = int(profile_blocks.size());
    profile_blocks.push_back("monitors");
  }
  // Room for every thread of the next run (the thread count may have changed).
  void size_profile() {
    const size_t n = size_t(std::max(threads, 1)) * profile_blocks.size();
    if (profile_seconds.size() < n) profile_seconds.resize(n, 0.0);
  }
  // Runs one block of the step; off, this is one predictable branch around it, and the timed path
  // is out of line so that it changes nothing of the step's code. SS_WITHOUT_PROFILING (a -D flag)
  // compiles the plain call, for bench/profiling.ts to measure what the branch costs.
  template <class Block> void profiled(int block, Block &&run) {
#ifndef SS_WITHOUT_PROFILING
    if (__builtin_expect(profiling, 0)) return timed(block, run);
#endif
    (void)block;
    run();
  }
  template <class Block> __attribute__((cold, noinline)) void timed(int block, Block &run) {
    const auto started = std::chrono::steady_clock::now();
    run();
    wait_for_kernels();
    profile_seconds[size_t(team_thread()) * profile_blocks.size() + size_t(block)] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }

  virtual ~SimBase() = default;
  // Advances the model by one step up to its spikes: delivery, neuron and continuous synapse
  // updates. Called by every thread of the run's team, it ends with a barrier (serial phases run
  // on one of them, one_thread); end_step follows on one thread.
  virtual void step_once() = 0;
  // Whether a run on more than one thread should start a team (a schedule that shares work says).
  virtual bool worth_a_team() const { return false; }
  // After every thread's step_once, on one thread: gathers each population's spikes (in neuron
  // order, whatever the thread count) and processes postsynaptic events.
  virtual void end_step() {
    for (auto &p : populations) p.gather(step);
    post_events(step);
  }
  virtual void post_events(int64_t s) { (void)s; }
  // Reads `first`'s read-only arrays wherever they hold this sim's values (Store::share, ss_share):
  // generated for a schedule whose kernels read the arrays only through the Sim's members.
  virtual void share_read_only(SimBase &first) { (void)first; }
  // A batch whose copies this sim is the first of runs up to `steps` steps as one window where its
  // schedule can (the cuda backend's resident schedule), returning the steps run; -1 where it
  // steps one step at a time.
  virtual int64_t run_resident(const std::vector<SimBase *> &copies, int64_t steps) {
    (void)copies;
    (void)steps;
    return -1;
  }
  // Whether the stop condition of population p holds for any (mode ANY) or all (mode ALL) neurons.
  virtual bool stop_condition(int32_t population, int32_t mode) = 0;
  // The team's size: at most the backend's thread limit (team.hpp).
  void init_team(int n) { threads = std::clamp(n, 1, thread_limit()); }
  virtual void set_threads(int n) {
    init_team(n);
    for (auto &p : populations) p.set_threads(threads);
  }
  // Around every run: the refractory countdown runs in bytes (see refractory.hpp).
  virtual void begin_run() {
    if (profiling) size_profile();
    for (auto &p : populations)
      if (p.refractory.used()) p.refractory.begin_run();
  }
  // Where the host needs the device's work done during a run — before it reads the model's state
  // (stop conditions), at the end of each profiled block — a backend whose kernels run
  // asynchronously waits for them.
  virtual void wait_for_kernels() {}
  // After a run's last step, on the run's thread: such a backend waits for its kernels and takes
  // in what it buffered (monitors). An error here fails the run; end_run follows however it ended.
  virtual void finish_window() {}
  virtual void end_run() {
    for (auto &p : populations)
      if (p.refractory.used()) p.refractory.end_run();
  }

  // After each step: every monitor records it (a backend whose state is on a device buffers there).
  virtual void record() {
    for (auto &m : monitors) {
      if (m.kind == SS_MONITOR_SPIKES)
        m.record_spikes(step, populations[size_t(m.population)].spiked.data, populations[size_t(m.population)].spiked.count);
      else
        m.record_state(step);
    }
  }
};

}  // namespace ss
