// A population's spikes gathered on the device (schedule.ts). The update kernel leaves a 0/1 byte
// per neuron; the neurons fall into chunks (backends/cuda/spike-chunks.ts); a thread per chunk counts
// its chunk's flags, one block turns the counts into each chunk's first place in the step's spike
// list (and the list's length) with a prefix sum, and a thread per chunk writes its spiking neurons
// there in neuron order, resetting each. Every place follows from the counts, not from the order threads run in,
// so the list is the CPU's whatever that order.
#pragma once
#include <cstdint>

#include "launch.hpp"
#include "spikesweep/store.hpp"

namespace ss {

// The prefix sum's parts: a run of chunks for each thread of its block (backends/cuda/spike-chunks.ts
// sizes the chunks so that there are at most 16 per part).
constexpr int64_t kScanParts = kSsTileThreads;

// The flags and chunk counts of one population of n neurons in `chunks` chunks, and the prefix
// sum's part sums (two buffers of kScanParts), in the arrays' memory (managed on a GPU).
struct SpikeStage {
  ArrayVector<uint8_t> fire;
  ArrayVector<int32_t> chunk_count, chunk_first, part_sums;
  SpikeStage(int64_t n, int64_t chunks)
      : fire(size_t(n), 0), chunk_count(size_t(chunks), 0), chunk_first(size_t(chunks), 0), part_sums(size_t(2 * kScanParts), 0) {}
};

// Spikes a population emitted `delay` steps before `step`, as kernels read them: its spike history
// row and the row's length, which the host does not read (both null before step 0). After
// spikesweep/sim.hpp (Population), which the generated source includes first.
struct DeviceSpikes {
  const int32_t *data = nullptr;
  const int32_t *count = nullptr;
};

template <class P> SS_DEVICE_FN DeviceSpikes emitted_on_device(const P &p, int64_t step, int64_t delay) {
  const int64_t when = step - delay;
  if (when < 0) return {};
  const int64_t row = when % p.depth;
  return {p.history + row * p.size, p.history_count + row};
}

// Flags set in [begin, end).
SS_DEVICE_FN inline int32_t count_fired(const uint8_t *fire, int64_t begin, int64_t end) {
  int32_t n = 0;
  for (int64_t i = begin; i < end; ++i) n += fire[i];
  return n;
}

// Each chunk's first place in the spike list (an exclusive prefix sum of the counts), and the
// list's length, by one tile (launch_tiles(1, …)): each thread sums its part's run of chunks,
// writing their places within the part; a log-step scan over the parts' sums (reading one buffer of
// `part_sums`, writing the other, a barrier between steps) gives each part's end; each thread then
// adds its part's start to its chunks. Integer adds, so any grouping gives the CPU's places, and no
// two threads write one value.
SS_TILE_FN void chunk_places(const Tile &tile, const int32_t *count, int32_t *first, int64_t chunks, int32_t *part_sums, int32_t *total) {
  const int64_t per = (chunks + kScanParts - 1) / kScanParts;
  const auto part_end = [&](int64_t p) { return p * per + per < chunks ? p * per + per : chunks; };
  int32_t *from = part_sums, *to = part_sums + kScanParts;
  tile.for_each(0, kScanParts, [&](int64_t p) {
    int32_t at = 0;
    for (int64_t c = p * per; c < part_end(p); ++c) {
      first[c] = at;
      at += count[c];
    }
    from[p] = at;
  });
  tile.sync();
  for (int64_t d = 1; d < kScanParts; d *= 2) {
    tile.for_each(0, kScanParts, [&](int64_t p) { to[p] = from[p] + (p >= d ? from[p - d] : 0); });
    tile.sync();
    int32_t *const swap = from;
    from = to;
    to = swap;
  }
  tile.for_each(0, kScanParts, [&](int64_t p) {
    const int32_t start = p > 0 ? from[p - 1] : 0;
    for (int64_t c = p * per; c < part_end(p); ++c) first[c] += start;
    if (p == kScanParts - 1) *total = from[p];
  });
}

}  // namespace ss
