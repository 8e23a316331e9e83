// The OpenMP schedule's state and primitives (backends/openmp/schedule.ts emits the code that uses
// them): neuron updates in chunks that threads take from each other's runs, deliveries split by
// target with a mark per thread instead of a barrier, row splits, and ranges of independent work.
// Included by the generated source right after the shared runtime (spikesweep/sim.hpp, which it
// builds on): that header is precompiled, and a precompiled header cannot be included twice.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

namespace ss {

// Below this many elements a step's work (~1 ns per neuron) is cheaper than sharing it between
// threads (a barrier costs about a microsecond): smaller populations run on one thread.
constexpr int64_t kParallelMinimum = 32768;

// Neurons per unit of update work handed to a thread (update_population): enough to amortise
// taking one, few enough that a thread slowed by its CPU takes fewer of a step's.
constexpr int64_t kUpdateChunk = 8192;

inline int64_t chunk_count(int64_t n) { return (n + kUpdateChunk - 1) / kUpdateChunk; }

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

// The postsynaptic neurons thread t of T delivers spikes to: those of the chunks it starts each
// step's update with (thread_range over the chunks, TeamSchedule::deal), so that it can update
// them as soon as its own deliveries are made, without waiting for the team.
inline void target_range(int64_t n, int t, int T, int64_t &begin, int64_t &end) {
  int64_t first, last;
  thread_range(chunk_count(n), t, T, first, last);
  begin = std::min(n, first * kUpdateChunk);
  end = std::min(n, last * kUpdateChunk);
}

// The calling thread's targets (all of them outside a team).
inline void target_range(int64_t n, int64_t &begin, int64_t &end) {
  const bool team = in_team();
  target_range(n, team ? team_thread() : 0, team ? team_size() : 1, begin, end);
}

// Where each thread's targets start in every row, computed once per thread count: a split
// delivery then walks exactly its own synapses, with no search of the row per spike and no
// fetching of other threads' parts. Offsets fit 32 bits: a row holds at most one synapse per
// postsynaptic neuron.
struct RowSplit {
  const int64_t *row_ptr = nullptr;
  const int32_t *col = nullptr;
  int64_t n_pre = 0, n_post = 0;
  int threads = 1;
  std::vector<int32_t> offsets;  // (threads - 1) × n_pre: where thread t ≥ 1 starts in row i

  RowSplit() = default;
  RowSplit(const int64_t *rows, const int32_t *cols, int64_t pre, int64_t post, int T)
      : row_ptr(rows), col(cols), n_pre(pre), n_post(post) {
    build(T);
  }
  void build(int T) {
    threads = std::max(T, 1);
    offsets.assign(size_t(threads - 1) * size_t(n_pre), 0);
    for (int t = 1; t < threads; ++t) {
      int64_t jb, je;
      target_range(n_post, t, threads, jb, je);
      int32_t *out = offsets.data() + size_t(t - 1) * size_t(n_pre);
      for (int64_t i = 0; i < n_pre; ++i) {
        const int32_t *row = col + row_ptr[i], *row_end = col + row_ptr[i + 1];
        out[i] = int32_t(std::lower_bound(row, row_end, int32_t(jb)) - row);
      }
    }
  }
  // The calling thread's part (whole rows outside a team).
  RowPart part() const {
    if (!in_team() || threads <= 1) return {row_ptr, nullptr, nullptr};
    const int t = team_thread();
    return {row_ptr, t == 0 ? nullptr : offsets.data() + (t - 1) * n_pre,
            t == threads - 1 ? nullptr : offsets.data() + t * n_pre};
  }
};

// The schedule's state in one simulation: per population, each thread's run of chunks; per
// thread, its delivery mark; per projection delivered split by target, its row split.
struct TeamSchedule {
  std::vector<std::vector<ChunkRun>> chunk_runs;
  std::vector<DeliveryMark> delivered;
  std::vector<RowSplit> row_splits;

  // After the populations exist: a spike list per chunk of every population.
  void init(SimBase &S, size_t projections) {
    for (auto &p : S.populations) p.spike_lists.assign(size_t(chunk_count(p.size)), {});
    chunk_runs.assign(S.populations.size(), {});
    row_splits.resize(projections);
    set_threads(S);
  }
  void set_threads(SimBase &S) {
    delivered.assign(size_t(S.threads), {});
    for (auto &runs : chunk_runs) runs.assign(size_t(S.threads), {});
    for (auto &r : row_splits)
      if (r.row_ptr) r.build(S.threads);
    deal(S);
  }
  // Each thread of the team starts on a contiguous run of chunks (as far from the others' as a
  // fixed split would be: threads working side by side ran at half speed on a VM now and then),
  // the chunks of the neurons it delivers to (target_range). Dealt afresh after every step, and
  // at the start of every run (a run that failed mid-step may have left some taken).
  void deal(const SimBase &S) {
    for (size_t p = 0; p < chunk_runs.size(); ++p) {
      const int T = int(chunk_runs[p].size());
      for (int t = 0; t < T; ++t) {
        int64_t first, last;
        thread_range(int64_t(S.populations[p].spike_lists.size()), t, T, first, last);
        chunk_runs[p][size_t(t)].next.store(first, std::memory_order_relaxed);
        chunk_runs[p][size_t(t)].end = last;
      }
    }
  }
  // Delivery marks forget the last run (a run may repeat its steps).
  void begin_run(const SimBase &S) {
    deal(S);
    for (auto &d : delivered) d.step.store(-1, std::memory_order_relaxed);
  }
  // After the calling thread's deliveries of step s.
  void deliveries_made(int64_t s) { delivered[size_t(team_thread())].step.store(s, std::memory_order_release); }
  // Whether any population is large enough to share between threads.
  static bool worth_a_team(const SimBase &S) {
    for (const auto &p : S.populations)
      if (p.size >= kParallelMinimum) return true;
    return false;
  }
};

// Runs body(begin, end, spikes_out) over population p's chunks in step s: each thread of the team
// takes its own run of them, then helps with the others' — on a VM one CPU often runs slower than
// the other for seconds, and a fixed split made the faster thread wait for it. Another thread's
// chunk is taken only once that thread's deliveries are made (its mark). Each chunk's spikes go
// to its own list, gathered in order at the end of the step; which thread updates a neuron never
// changes results.
template <class Body> void update_population(SimBase &S, TeamSchedule &team, size_t p, int64_t s, Body body) {
  Population &P = S.populations[p];
  std::vector<ChunkRun> &runs = team.chunk_runs[p];
  const bool in = in_team();
  const int T = int(runs.size()), t = in ? team_thread() : 0;
  for (int k = 0; k < T; ++k) {
    const int owner = (t + k) % T;
    ChunkRun &run = runs[size_t(owner)];
    bool delivered_to = k == 0 || !in;
    for (int64_t c; (c = run.next.fetch_add(1, std::memory_order_relaxed)) < run.end;) {
      if (!delivered_to) {
        team.delivered[size_t(owner)].wait_for(s);
        delivered_to = true;
      }
      std::vector<int32_t> &out = P.spike_lists[size_t(c)];
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

}  // namespace ss
