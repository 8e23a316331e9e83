// The team of a backend whose host side is one thread (serial; cuda, whose parallel work is kernel
// launches): every split of a step's work is the whole of it, in order, and nothing waits.
#pragma once

namespace ss {

inline bool in_team() { return false; }
inline int team_thread() { return 0; }
inline int team_size() { return 1; }
inline int thread_limit() { return 1; }
inline void team_barrier() {}
template <class Fn> void one_thread(Fn fn) { fn(); }
template <class Fn> void run_team(int, Fn fn) { fn(); }

}  // namespace ss
