// A population's spikes gathered on the device (schedule.ts). The update kernel leaves a 0/1 int32
// flag per neuron; the neurons fall into chunks of spike_chunk_len(n); a thread per chunk counts
// its chunk's flags, one thread turns the counts into each chunk's first place in the step's spike
// list (and the list's length), and a thread per chunk writes its spiking neurons there in neuron
// order, resetting each. Every place follows from the counts, not from the order threads run in,
// so the list is the CPU's whatever that order.
#pragma once
#include <cstdint>

#include "launch.hpp"
#include "spikesweep/store.hpp"

namespace ss {

// Neurons per chunk: a warp's worth at least, and at most 1024 chunks, so the one thread turning
// counts into places walks 1024 at most.
constexpr int64_t spike_chunk_len(int64_t n) { return n > 32 * 1024 ? (n + 1023) / 1024 : 32; }
constexpr int64_t spike_chunks(int64_t n) { return (n + spike_chunk_len(n) - 1) / spike_chunk_len(n); }

// The flags and chunk counts of one population of n neurons, in the arrays' memory (managed on a GPU).
struct SpikeStage {
  ArrayVector<int32_t> fire, chunk_count, chunk_first;
  explicit SpikeStage(int64_t n) : fire(size_t(n), 0), chunk_count(size_t(spike_chunks(n)), 0), chunk_first(size_t(spike_chunks(n)), 0) {}
};

// Spikes a population emitted `delay` steps before `step`, as kernels read them: its spike history
// row and the row's length, which the host does not read (both null before step 0). After
// spikesweep/sim.hpp (Population), which the generated source includes first.
struct DeviceSpikes {
  const int32_t *data = nullptr;
  const int32_t *count = nullptr;
};

inline DeviceSpikes emitted_on_device(const Population &p, int64_t step, int64_t delay) {
  const int64_t when = step - delay;
  if (when < 0) return {};
  const int64_t row = when % p.depth;
  return {p.history + row * p.size, p.history_count + row};
}

// Flags set in [begin, end).
SS_DEVICE_FN inline int32_t count_fired(const int32_t *fire, int64_t begin, int64_t end) {
  int32_t n = 0;
  for (int64_t i = begin; i < end; ++i) n += fire[i];
  return n;
}

// Each chunk's first place in the spike list (an exclusive prefix sum of the counts), and the
// list's length.
SS_DEVICE_FN inline void chunk_places(const int32_t *count, int32_t *first, int64_t chunks, int32_t *total) {
  int32_t at = 0;
  for (int64_t c = 0; c < chunks; ++c) {
    first[c] = at;
    at += count[c];
  }
  *total = at;
}

}  // namespace ss
