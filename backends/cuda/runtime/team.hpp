// The cuda backend's host side is one thread: the step's phases are kernel launches (launch.hpp)
// and the serial work between them (spike gathering, resets, postsynaptic events) runs in order.
// Also makes the model math (SS_MATH functions) callable on the device as on the host.
#pragma once

#include "launch.hpp"

#define SS_MATH SS_DEVICE_FN inline

namespace ss {

inline bool in_team() { return false; }
inline int team_thread() { return 0; }
inline int team_size() { return 1; }
inline int thread_limit() { return 1; }
inline void team_barrier() {}
template <class Fn> void one_thread(Fn fn) { fn(); }
template <class Fn> void run_team(int, Fn fn) { fn(); }

}  // namespace ss
