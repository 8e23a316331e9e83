// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11).
// Counter-based: a draw depends only on (seed, stream, step, index), never on thread scheduling,
// and the same function runs on CPU and GPU.
#pragma once
#include <cmath>
#include <cstdint>

#include "math.hpp"  // SS_HOST_DEVICE, and log and cos that give the same bits on host and device

namespace ss {

struct Philox4 {
  uint32_t v[4];
};

SS_HOST_DEVICE inline void philox_round(uint32_t ctr[4], const uint32_t key[2]) {
  const uint64_t p0 = uint64_t(0xD2511F53u) * ctr[0];
  const uint64_t p1 = uint64_t(0xCD9E8D57u) * ctr[2];
  const uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
  const uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
  const uint32_t c1 = ctr[1], c3 = ctr[3];
  ctr[0] = hi1 ^ c1 ^ key[0];
  ctr[1] = lo1;
  ctr[2] = hi0 ^ c3 ^ key[1];
  ctr[3] = lo0;
}

// counter = (index lo, index hi ^ stream, step lo, step hi); key = seed.
SS_HOST_DEVICE inline Philox4 philox(uint64_t seed, uint32_t stream, uint64_t step, uint64_t index) {
  uint32_t ctr[4] = {uint32_t(index), uint32_t(index >> 32) ^ (stream * 0x9E3779B9u) ^ stream,
                     uint32_t(step), uint32_t(step >> 32)};
  uint32_t key[2] = {uint32_t(seed), uint32_t(seed >> 32)};
  for (int r = 0; r < 10; ++r) {
    philox_round(ctr, key);
    key[0] += 0x9E3779B9u;
    key[1] += 0xBB67AE85u;
  }
  return Philox4{{ctr[0], ctr[1], ctr[2], ctr[3]}};
}

// 53-bit uniform in [0, 1) from two 32-bit words.
SS_HOST_DEVICE inline double u01(uint32_t a, uint32_t b) {
  return (double(a >> 5) * 67108864.0 + double(b >> 6)) * (1.0 / 9007199254740992.0);
}

SS_HOST_DEVICE inline double uniform(uint64_t seed, uint32_t stream, uint64_t step, uint64_t index) {
  const Philox4 r = philox(seed, stream, step, index);
  return u01(r.v[0], r.v[1]);
}

// Box–Muller on the two uniforms of one Philox block (first output only, so every draw is one block).
SS_HOST_DEVICE inline double normal(uint64_t seed, uint32_t stream, uint64_t step, uint64_t index) {
  const Philox4 r = philox(seed, stream, step, index);
  const double u1 = 1.0 - u01(r.v[0], r.v[1]);  // (0, 1]
  const double u2 = u01(r.v[2], r.v[3]);
  return std::sqrt(-2.0 * math::log(u1)) * math::cos(6.283185307179586476925 * u2);
}

}  // namespace ss
