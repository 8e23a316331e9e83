// How the cuda schedule's delivery finds a spike's synapses onto a tile of postsynaptic neurons
// (schedule.ts): rows' columns ascend, so a tile's part of a row lies between two searches, and
// tiles are used only where rows are dense enough to give their threads work.
#pragma once
#include <algorithm>
#include <cstdint>

#include "launch.hpp"

namespace ss {

// The first synapse of row [begin, end) onto postsynaptic neuron j (rows' columns ascend), or end.
// A j at or past either end of the row (a tile holding every target: the resident schedule's)
// takes one probe, not a search.
SS_DEVICE_FN inline int64_t first_synapse_onto(const int32_t *col, int64_t begin, int64_t end, int64_t j) {
  if (begin == end || col[begin] >= j) return begin;
  if (col[end - 1] < j) return end;
  while (begin < end) {
    const int64_t mid = begin + (end - begin) / 2;
    if (col[mid] < j) begin = mid + 1; else end = mid;
  }
  return begin;
}

// Postsynaptic neurons per delivery tile, or 0 for a thread per neuron. Tiles are at least a
// block wide and many enough to fill a GPU (132 SMs × 8 blocks); they pay where a mean row puts a
// synapse or more in each tile, so a spike gives the tile's threads work. Sparser rows leave a
// tile's threads searching rows for nothing and waiting at its barriers, where a thread per
// neuron searches each row once for itself and needs no barrier.
inline int64_t tile_targets(int64_t posts, int64_t synapses, int64_t rows) {
  constexpr int64_t kTiles = 1024;
  const int64_t len = std::max(kSsTileThreads, (posts + kTiles - 1) / kTiles);
  return rows > 0 && synapses * len >= rows * posts ? len : 0;
}

}  // namespace ss
