// The cuda backend's host side is one thread: the step's phases are kernel launches (launch.hpp)
// and the serial work between them (postsynaptic events, stop conditions) runs in order.
// A batch's copies step together, their launches merged along a copy dimension (ss::CopySteps,
// launch.hpp): SS_COPY_STEPS tells the shared run loop (abi.cpp).
// Also makes the model math (SS_MATH functions) callable on the device as on the host.
#pragma once

#include "launch.hpp"
#include "spikesweep/single_thread_team.hpp"

#define SS_MATH SS_DEVICE_FN inline
#define SS_COPY_STEPS 1
