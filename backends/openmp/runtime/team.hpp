// The OpenMP backend's team: the primitives the shared runtime and the generated schedule use to
// split a step's work between threads (native/runtime/spikesweep/sim.hpp). One team lives for a
// whole run (run_team): waking threads for every population and step costs tens of microseconds on
// a VM and erased any speed-up.
#pragma once
#include <omp.h>

namespace ss {

inline bool in_team() { return omp_in_parallel() != 0; }
// This thread's index in the team (0 outside one).
inline int team_thread() { return omp_get_thread_num(); }
inline int team_size() { return omp_get_num_threads(); }
// The most threads a team can have: every thread asked for must exist (a missing one's chunks
// would wait for its deliveries forever).
inline int thread_limit() { return omp_get_thread_limit(); }

// Waits for the whole team (nothing to wait for outside one).
inline void team_barrier() {
  if (omp_in_parallel()) {
#pragma omp barrier
  }
}

// Runs fn on one thread of the team (or directly when not in a team); everyone waits for it.
template <class Fn> void one_thread(Fn fn) {
  if (!omp_in_parallel()) {
    fn();
    return;
  }
#pragma omp single
  fn();
}

// Runs fn on every thread of a team of exactly `threads` (dynamic adjustment off).
template <class Fn> void run_team(int threads, Fn fn) {
  omp_set_dynamic(0);
#pragma omp parallel num_threads(threads)
  fn();
}

}  // namespace ss
