// The cuda backend's host side is one thread: the step's phases are kernel launches (launch.hpp)
// and the serial work between them (postsynaptic events, stop conditions) runs in order.
// Also makes the model math (SS_MATH functions) callable on the device as on the host.
#pragma once

#include "launch.hpp"
#include "spikesweep/single_thread_team.hpp"

#define SS_MATH SS_DEVICE_FN inline
