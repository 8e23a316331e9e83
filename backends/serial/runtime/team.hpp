// The serial backend's team: always one thread, so every split of a step's work is the whole of
// it, in order, and nothing waits. The reference schedule, with no threading library.
#pragma once

#include "spikesweep/single_thread_team.hpp"
