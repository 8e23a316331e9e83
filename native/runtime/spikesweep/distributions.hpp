// Values drawn for initial states, weights and delays: constant, Uniform, Normal or LogNormal,
// optionally clipped to [min, max] as ANNarchy does. Draw k of a stream is Philox(seed, stream, 0, k).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "philox.hpp"

namespace ss {

enum DistKind : int32_t { DIST_CONSTANT = 0, DIST_UNIFORM = 1, DIST_NORMAL = 2, DIST_LOGNORMAL = 3 };

struct Dist {
  int32_t kind;
  double a, b;      // constant: a; uniform: [a, b); normal/lognormal: mean a, sd b
  double min, max;  // clip bounds (±inf when absent)

  double sample(uint64_t seed, uint32_t stream, uint64_t index) const {
    double x;
    switch (kind) {
      case DIST_UNIFORM: x = a + (b - a) * uniform(seed, stream, 0, index); break;
      case DIST_NORMAL: x = a + b * normal(seed, stream, 0, index); break;
      case DIST_LOGNORMAL: x = math::exp(a + b * normal(seed, stream, 0, index)); break;
      default: x = a;
    }
    return std::min(std::max(x, min), max);
  }
};

// Reads a Dist from five consecutive build-time values (kind, a, b, min, max).
inline Dist dist_at(const double *values) {
  return Dist{int32_t(values[0]), values[1], values[2], values[3], values[4]};
}

}  // namespace ss
