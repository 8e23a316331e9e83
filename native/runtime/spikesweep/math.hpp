// The transcendental functions of the model math (exp, log, log2, log10, pow, the trigonometric
// and hyperbolic functions and their inverses), written once for host and device. libm and CUDA's
// libdevice each round these their own way (libdevice's exp is documented at up to 2 ulp and uses
// fused multiply-adds), so a network calling them through either would differ between the CPU and
// the GPU. These are plain double arithmetic (+ − × ÷, sqrt and bit manipulation, all IEEE-exact on
// both), compiled with contraction off (host: -ffp-contract=off; nvcc: --fmad=false), so every
// backend computes the same bits. They follow fdlibm's algorithms and coefficients; they are not
// correctly rounded: tests/math.test.ts measures their error against the host's libm and
// backends/README.md records it.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

// The same code on the host and, compiled by nvcc, on the device.
#ifndef SS_HOST_DEVICE
#ifdef __CUDACC__
#define SS_HOST_DEVICE __host__ __device__
#else
#define SS_HOST_DEVICE
#endif
#endif

namespace ss {

// ms / dt in whole steps, rounded half away from zero as std::llround does, but saturated to the
// int64 range (llround of a value outside it is undefined) and 0 for NaN: a refractory period of
// 1e300 ms is "for ever", not whatever llround made of it.
SS_HOST_DEVICE inline int64_t steps_of(double ms, double dt) {
  const double steps = ::round(ms / dt);
  if (!(steps == steps)) return 0;
  if (steps >= 9223372036854775807.0) return INT64_MAX;
  if (steps <= -9223372036854775808.0) return INT64_MIN;
  return int64_t(steps);
}

namespace math {

SS_HOST_DEVICE inline uint64_t bits_of(double x) {
#ifdef __CUDA_ARCH__
  return uint64_t(__double_as_longlong(x));
#else
  uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
#endif
}

SS_HOST_DEVICE inline double from_bits(uint64_t b) {
#ifdef __CUDA_ARCH__
  return __longlong_as_double(int64_t(b));
#else
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
#endif
}

SS_HOST_DEVICE inline bool is_nan(double x) { return x != x; }
SS_HOST_DEVICE inline double magnitude(double x) { return from_bits(bits_of(x) & 0x7fffffffffffffffull); }
SS_HOST_DEVICE inline double with_sign_of(double x, double s) {
  return from_bits((bits_of(x) & 0x7fffffffffffffffull) | (bits_of(s) & 0x8000000000000000ull));
}
constexpr double INF = __builtin_huge_val();

// 2^k for -1022 <= k <= 1023.
SS_HOST_DEVICE inline double pow2(int k) { return from_bits(uint64_t(k + 1023) << 52); }

// y · 2^k without intermediate overflow or a premature flush to zero.
SS_HOST_DEVICE inline double scale(double y, int k) {
  if (k > 1023) return y * pow2(1023) * pow2(k - 1023);
  if (k < -1021) return y * pow2(k + 1000) * pow2(-1000);
  return y * pow2(k);
}

// fdlibm e_exp.c: x = k·ln2 + r, |r| ≤ ln2/2 (ln2 in two parts, k·ln2_hi exact), a rational
// approximation of e^r, then the exponent.
SS_HOST_DEVICE inline double exp(double x) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10, inv_ln2 = 1.44269504088896338700e+00;
  const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
               P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
  if (is_nan(x)) return x + x;
  if (x > 7.09782712893383973096e+02) return INF;
  if (x < -7.45133219101941108420e+02) return 0.0;
  const double ax = magnitude(x);
  if (ax < 3.7252902984e-09) return 1.0 + x;  // |x| < 2^-28: e^x rounds to 1 + x
  int k = 0;
  double hi = x, lo = 0.0;
  if (ax > 0.5 * ln2_hi) {
    k = int(inv_ln2 * x + (x < 0 ? -0.5 : 0.5));
    hi = x - k * ln2_hi;
    lo = k * ln2_lo;
  }
  const double r = hi - lo;
  const double t = r * r;
  const double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((r * c) / (c - 2.0) - r);
  return scale(1.0 - ((lo - (r * c) / (2.0 - c)) - hi), k);
}

// e^x − 1, accurate near 0 (the hyperbolic functions need it): a Taylor polynomial to x^14/14!
// for |x| < ln2/2 (truncation below 10^-18 relative), e^x − 1 beyond.
SS_HOST_DEVICE inline double expm1(double x) {
  if (magnitude(x) >= 0.34657359027997264) return exp(x) - 1.0;
  double p = 1.0 / 87178291200.0;  // 1/14!
  const double inv[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
                        1.0 / 5040.0,       1.0 / 720.0,       1.0 / 120.0,      1.0 / 24.0,      1.0 / 6.0,      0.5};
  for (double c : inv) p = c + x * p;
  return x + x * (x * p);
}

// x = 2^k · m with √½ ≤ m < √2 (x positive and finite).
SS_HOST_DEVICE inline double split_exponent(double x, int &k) {
  k = 0;
  if (x < 2.2250738585072014e-308) {  // subnormal: make it normal first
    x *= 1.80143985094819840000e+16;  // 2^54
    k = -54;
  }
  uint64_t b = bits_of(x);
  k += int(b >> 52) - 1023;
  b &= 0x000fffffffffffffull;
  // Mantissas from √2 up are halved, so the next exponent up.
  const bool upper = b >= 0x6a09e667f3bcdull;
  k += upper ? 1 : 0;
  return from_bits(b | (upper ? 0x3fe0000000000000ull : 0x3ff0000000000000ull));
}

// log(m) for √½ ≤ m < √2: fdlibm e_log.c's kernel, log(1+f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2+f).
SS_HOST_DEVICE inline double log_mantissa(double m) {
  const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
               Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
               Lg7 = 1.479819860511658591e-01;
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double z = s * s, w = z * z;
  const double R = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7))) + w * (Lg2 + w * (Lg4 + w * Lg6));
  const double hfsq = 0.5 * f * f;
  return f - (hfsq - s * (hfsq + R));
}

// The cases every logarithm shares: NaN for x < 0, −∞ at 0, x itself for +∞ and NaN. Returns false
// when x is positive and finite, the case left to the caller.
SS_HOST_DEVICE inline bool log_special(double x, double &out) {
  if (is_nan(x) || x == INF) { out = x + x; return true; }
  if (x < 0) { out = (x - x) / (x - x); return true; }
  if (x == 0) { out = -INF; return true; }
  return false;
}

SS_HOST_DEVICE inline double log(double x) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  double out;
  if (log_special(x, out)) return out;
  int k;
  const double m = split_exponent(x, k);
  return k * ln2_hi + (log_mantissa(m) + k * ln2_lo);
}

SS_HOST_DEVICE inline double log2(double x) {
  const double inv_ln2 = 1.44269504088896338700e+00;
  double out;
  if (log_special(x, out)) return out;
  int k;
  const double m = split_exponent(x, k);
  return k + log_mantissa(m) * inv_ln2;  // exact at powers of two
}

SS_HOST_DEVICE inline double log10(double x) {
  const double ivln10 = 4.34294481903251816668e-01, log10_2hi = 3.01029995663611771306e-01, log10_2lo = 3.69423907715893078616e-13;
  double out;
  if (log_special(x, out)) return out;
  int k;
  const double m = split_exponent(x, k);
  return k * log10_2hi + (k * log10_2lo + ivln10 * log_mantissa(m));
}

// x^y with C's special cases (zeros, ones, negative bases with integer exponents): integer
// exponents up to 64 by repeated squaring (exact while the products are), others as e^(y·log x).
// Not correctly rounded: the relative error of e^(y·log x) grows with |y·log x| (about that many
// ulp at worst).
SS_HOST_DEVICE inline double pow(double x, double y) {
  if (y == 0 || x == 1) return 1.0;
  if (is_nan(x) || is_nan(y)) return x + y;
  const bool integer = std::floor(y) == y;
  const bool odd = integer && magnitude(y) < 9007199254740992.0 && std::fmod(y, 2.0) != 0;
  if (x == 0) return y < 0 ? (odd ? with_sign_of(INF, x) : INF) : (odd ? x : 0.0);
  if (x < 0 && !integer) return (x - x) / (x - x);
  if (integer && magnitude(y) <= 64) {
    double r = 1.0, b = x;
    for (int n = int(magnitude(y)); n; n >>= 1, b *= b)
      if (n & 1) r *= b;
    return y < 0 ? 1.0 / r : r;
  }
  const double r = exp(y * log(magnitude(x)));
  return x < 0 && odd ? -r : r;
}

// x = n·π/2 + r, |r| ≤ π/4 (about), in three Cody–Waite parts whose products with n are exact for
// |n| < 2^20; beyond |x| ≈ 1.6·10^6 the reduction loses bits progressively (no Payne–Hanek).
SS_HOST_DEVICE inline int reduce_quadrant(double x, double &r) {
  const double inv_pio2 = 6.36619772367581382433e-01, pio2_1 = 1.57079632673412561417e+00,
               pio2_2 = 6.07710050630396597660e-11, pio2_3 = 2.02226624871116645580e-21,
               pio2_3t = 8.47842766036889956997e-32;
  const double n = std::floor(x * inv_pio2 + 0.5);
  r = (((x - n * pio2_1) - n * pio2_2) - n * pio2_3) - n * pio2_3t;
  return int(int64_t(n) & 3);
}

// fdlibm k_sin.c and k_cos.c on |r| ≤ π/4.
SS_HOST_DEVICE inline double sin_kernel(double x) {
  const double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04,
               S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  const double z = x * x, v = z * x;
  const double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x + v * (S1 + z * r);
}

SS_HOST_DEVICE inline double cos_kernel(double x) {
  const double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03, C3 = 2.48015872894767294178e-05,
               C4 = -2.75573143513906633035e-07, C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  const double z = x * x;
  const double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  const double ax = magnitude(x);
  if (ax < 0.3) return 1.0 - (0.5 * z - z * r);
  // 1 − z/2 loses bits to cancellation past 0.3: take qx ≈ x²/… out first, exactly (fdlibm's trick).
  const double qx = ax > 0.78125 ? 0.28125 : from_bits((bits_of(ax) - 0x0020000000000000ull) & 0xffffffff00000000ull);
  return (1.0 - qx) - ((0.5 * z - qx) - z * r);
}

SS_HOST_DEVICE inline double sin(double x) {
  if (is_nan(x) || magnitude(x) == INF) return x - x;
  if (magnitude(x) < 0.7853981633974483) return sin_kernel(x);
  double r;
  switch (reduce_quadrant(x, r)) {
    case 0: return sin_kernel(r);
    case 1: return cos_kernel(r);
    case 2: return -sin_kernel(r);
    default: return -cos_kernel(r);
  }
}

SS_HOST_DEVICE inline double cos(double x) {
  if (is_nan(x) || magnitude(x) == INF) return x - x;
  if (magnitude(x) < 0.7853981633974483) return cos_kernel(x);
  double r;
  switch (reduce_quadrant(x, r)) {
    case 0: return cos_kernel(r);
    case 1: return -sin_kernel(r);
    case 2: return -cos_kernel(r);
    default: return sin_kernel(r);
  }
}

SS_HOST_DEVICE inline double tan(double x) {
  if (is_nan(x) || magnitude(x) == INF) return x - x;
  double r = x;
  const int q = magnitude(x) < 0.7853981633974483 ? 0 : reduce_quadrant(x, r);
  return q & 1 ? -cos_kernel(r) / sin_kernel(r) : sin_kernel(r) / cos_kernel(r);
}

// fdlibm s_atan.c: |x| reduced onto |t| < 7/16 around atan(0.5), atan(1), atan(1.5) or atan(∞).
SS_HOST_DEVICE inline double atan(double x) {
  const double atanhi[] = {4.63647609000806093515e-01, 7.85398163397448278999e-01, 9.82793723247329054082e-01, 1.57079632679489655800e+00};
  const double atanlo[] = {2.26987774529616870924e-17, 3.06161699786838301793e-17, 1.39033110312309984516e-17, 6.12323399573676603587e-17};
  const double aT[] = {3.33333333333329318027e-01, -1.99999999998764832476e-01, 1.42857142725034663711e-01,
                       -1.11111104054623557880e-01, 9.09088713343650656196e-02, -7.69187620504482999495e-02,
                       6.66107313738753120669e-02, -5.83357013379057348645e-02, 4.97687799461593236017e-02,
                       -3.65315727442169155270e-02, 1.62858201153657823623e-02};
  if (is_nan(x)) return x + x;
  double a = magnitude(x);
  if (a >= 7.378697629483821e+19) return with_sign_of(atanhi[3] + atanlo[3], x);  // |x| ≥ 2^66
  int id = -1;
  if (a >= 0.4375) {
    if (a < 0.6875) { id = 0; a = (2.0 * a - 1.0) / (2.0 + a); }
    else if (a < 1.1875) { id = 1; a = (a - 1.0) / (a + 1.0); }
    else if (a < 2.4375) { id = 2; a = (a - 1.5) / (1.0 + 1.5 * a); }
    else { id = 3; a = -1.0 / a; }
  }
  const double z = a * a, w = z * z;
  const double s1 = z * (aT[0] + w * (aT[2] + w * (aT[4] + w * (aT[6] + w * (aT[8] + w * aT[10])))));
  const double s2 = w * (aT[1] + w * (aT[3] + w * (aT[5] + w * (aT[7] + w * aT[9]))));
  const double r = id < 0 ? a - a * (s1 + s2) : atanhi[id] - ((a * (s1 + s2) - atanlo[id]) - a);
  return with_sign_of(r, x);
}

// atan(y/x) in the quadrant of (x, y), π in two parts so the result keeps its low bits.
SS_HOST_DEVICE inline double atan2(double y, double x) {
  const double pi = 3.1415926535897931160e+00, pi_lo = 1.2246467991473531772e-16, pio2 = 1.57079632679489655800e+00;
  if (is_nan(x) || is_nan(y)) return x + y;
  if (y == 0) return x > 0 || (x == 0 && !(bits_of(x) >> 63)) ? y : with_sign_of(pi, y);
  if (x == 0) return with_sign_of(pio2, y);
  if (magnitude(x) == INF) {
    if (magnitude(y) == INF) return with_sign_of(x > 0 ? 0.25 * pi : 0.75 * pi, y);
    return x > 0 ? with_sign_of(0.0, y) : with_sign_of(pi, y);
  }
  if (magnitude(y) == INF) return with_sign_of(pio2, y);
  const double z = atan(magnitude(y / x));
  const double r = x > 0 ? z : pi - (z - pi_lo);
  return with_sign_of(r, y);
}

SS_HOST_DEVICE inline double asin(double x) {
  if (!(magnitude(x) <= 1.0)) return (x - x) / (x - x);
  return atan2(x, std::sqrt((1.0 - x) * (1.0 + x)));
}

SS_HOST_DEVICE inline double acos(double x) {
  if (!(magnitude(x) <= 1.0)) return (x - x) / (x - x);
  return atan2(std::sqrt((1.0 - x) * (1.0 + x)), x);
}

// fdlibm's forms on e^|x| − 1, which keep small arguments accurate.
SS_HOST_DEVICE inline double sinh(double x) {
  const double a = magnitude(x), h = with_sign_of(0.5, x);
  if (is_nan(x)) return x + x;
  if (a < 22.0) {
    const double t = expm1(a);
    return a < 1.0 ? h * (2.0 * t - t * t / (t + 1.0)) : h * (t + t / (t + 1.0));
  }
  const double w = exp(0.5 * a);  // e^a overflows before sinh does
  return (h * w) * w;
}

SS_HOST_DEVICE inline double cosh(double x) {
  const double a = magnitude(x);
  if (is_nan(x)) return x + x;
  if (a < 0.34657359027997264) {
    const double t = expm1(a), w = 1.0 + t;
    return 1.0 + (t * t) / (w + w);
  }
  if (a < 22.0) {
    const double t = exp(a);
    return 0.5 * t + 0.5 / t;
  }
  const double w = exp(0.5 * a);
  return (0.5 * w) * w;
}

SS_HOST_DEVICE inline double tanh(double x) {
  const double a = magnitude(x);
  if (is_nan(x)) return x + x;
  if (a >= 22.0) return with_sign_of(1.0, x);
  const double t = expm1(a >= 1.0 ? 2.0 * a : -2.0 * a);
  return with_sign_of(a >= 1.0 ? 1.0 - 2.0 / (t + 2.0) : -t / (t + 2.0), x);
}

// float, as C names it (expf, …): computed in double, rounded once.
SS_HOST_DEVICE inline float expf(float x) { return float(exp(double(x))); }
SS_HOST_DEVICE inline float logf(float x) { return float(log(double(x))); }
SS_HOST_DEVICE inline float log2f(float x) { return float(log2(double(x))); }
SS_HOST_DEVICE inline float log10f(float x) { return float(log10(double(x))); }
SS_HOST_DEVICE inline float sinf(float x) { return float(sin(double(x))); }
SS_HOST_DEVICE inline float cosf(float x) { return float(cos(double(x))); }
SS_HOST_DEVICE inline float tanf(float x) { return float(tan(double(x))); }
SS_HOST_DEVICE inline float asinf(float x) { return float(asin(double(x))); }
SS_HOST_DEVICE inline float acosf(float x) { return float(acos(double(x))); }
SS_HOST_DEVICE inline float atanf(float x) { return float(atan(double(x))); }
SS_HOST_DEVICE inline float sinhf(float x) { return float(sinh(double(x))); }
SS_HOST_DEVICE inline float coshf(float x) { return float(cosh(double(x))); }
SS_HOST_DEVICE inline float tanhf(float x) { return float(tanh(double(x))); }
SS_HOST_DEVICE inline float powf(float x, float y) { return float(pow(double(x), double(y))); }
SS_HOST_DEVICE inline float atan2f(float y, float x) { return float(atan2(double(y), double(x))); }

}  // namespace math
}  // namespace ss
