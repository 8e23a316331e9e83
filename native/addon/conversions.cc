#include "conversions.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace spikesweep {

const char *DtypeName(int32_t dtype) {
  switch (dtype) {
    case SS_F64: return "f64";
    case SS_F32: return "f32";
    case SS_I32: return "i32";
    case SS_I64: return "i64";
    case SS_U16: return "u16";
    case SS_U8: return "u8";
    default: return "?";
  }
}

size_t DtypeSize(int32_t dtype) {
  switch (dtype) {
    case SS_F64: return 8;
    case SS_F32: return 4;
    case SS_I32: return 4;
    case SS_I64: return 8;
    case SS_U16: return 2;
    case SS_U8: return 1;
    default: return 0;
  }
}

bool DtypeOfTypedArray(napi_typedarray_type type, int32_t &dtype) {
  switch (type) {
    case napi_float64_array: dtype = SS_F64; return true;
    case napi_float32_array: dtype = SS_F32; return true;
    case napi_int32_array: dtype = SS_I32; return true;
    case napi_bigint64_array: dtype = SS_I64; return true;
    case napi_uint16_array: dtype = SS_U16; return true;
    case napi_uint8_array: dtype = SS_U8; return true;
    default: return false;
  }
}

namespace {

template <typename T>
Napi::Value CopyOutAs(Napi::Env env, const void *data, int64_t length) {
  size_t bytes = static_cast<size_t>(length) * sizeof(T);
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, bytes);
  if (bytes > 0) std::memcpy(buffer.Data(), data, bytes);
  return Napi::TypedArrayOf<T>::New(env, static_cast<size_t>(length), buffer, 0);
}

constexpr double kTwo63 = 9223372036854775808.0;  // 2^63, exact as a double

// Lossless conversion of one value to Dst; false when the value is not exactly representable.
template <typename Dst>
bool FromDouble(double v, Dst &out) {
  if constexpr (std::is_same_v<Dst, double>) {
    out = v;
    return true;
  } else if constexpr (std::is_same_v<Dst, float>) {
    if (std::isnan(v) || std::isinf(v)) {
      out = static_cast<float>(v);
      return true;
    }
    if (std::fabs(v) > static_cast<double>(FLT_MAX)) return false;
    float f = static_cast<float>(v);
    out = f;
    return static_cast<double>(f) == v;
  } else {
    if (!std::isfinite(v) || v != std::trunc(v)) return false;
    if constexpr (std::is_same_v<Dst, int64_t>) {
      if (v < -kTwo63 || v >= kTwo63) return false;
    } else {
      if (v < static_cast<double>(std::numeric_limits<Dst>::min()) ||
          v > static_cast<double>(std::numeric_limits<Dst>::max()))
        return false;
    }
    out = static_cast<Dst>(v);
    return true;
  }
}

template <typename Dst>
bool FromInt64(int64_t v, Dst &out) {
  if constexpr (std::is_floating_point_v<Dst>) {
    Dst f = static_cast<Dst>(v);
    if (!(static_cast<double>(f) < kTwo63)) return false;  // rounded up to 2^63
    out = f;
    return static_cast<int64_t>(f) == v;
  } else {
    if (v < static_cast<int64_t>(std::numeric_limits<Dst>::min()) ||
        v > static_cast<int64_t>(std::numeric_limits<Dst>::max()))
      return false;
    out = static_cast<Dst>(v);
    return true;
  }
}

template <typename Dst>
bool FromUint64(uint64_t v, Dst &out) {
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  return FromInt64(static_cast<int64_t>(v), out);
}

template <typename Src>
std::string Describe(Src v) {
  if constexpr (std::is_floating_point_v<Src>) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.17g", static_cast<double>(v));
    return buffer;
  } else {
    return std::to_string(v);
  }
}

template <typename Src, typename Dst>
bool ConvertLoop(const Src *source, size_t length, Dst *target, int32_t dtype, std::string &error) {
  for (size_t i = 0; i < length; ++i) {
    Src v = source[i];
    bool ok;
    if constexpr (std::is_floating_point_v<Src>) {
      ok = FromDouble<Dst>(static_cast<double>(v), target[i]);
    } else if constexpr (std::is_same_v<Src, uint64_t>) {
      ok = FromUint64<Dst>(v, target[i]);
    } else {
      ok = FromInt64<Dst>(static_cast<int64_t>(v), target[i]);
    }
    if (!ok) {
      error = "element " + std::to_string(i) + " (" + Describe(v) + ") is not exactly representable as " +
              DtypeName(dtype);
      return false;
    }
  }
  return true;
}

template <typename Dst>
bool ConvertTo(const TypedArrayView &s, int32_t dtype, Dst *target, std::string &error) {
  switch (s.type) {
    case napi_int8_array: return ConvertLoop(static_cast<const int8_t *>(s.data), s.length, target, dtype, error);
    case napi_uint8_array:
    case napi_uint8_clamped_array:
      return ConvertLoop(static_cast<const uint8_t *>(s.data), s.length, target, dtype, error);
    case napi_int16_array: return ConvertLoop(static_cast<const int16_t *>(s.data), s.length, target, dtype, error);
    case napi_uint16_array: return ConvertLoop(static_cast<const uint16_t *>(s.data), s.length, target, dtype, error);
    case napi_int32_array: return ConvertLoop(static_cast<const int32_t *>(s.data), s.length, target, dtype, error);
    case napi_uint32_array: return ConvertLoop(static_cast<const uint32_t *>(s.data), s.length, target, dtype, error);
    case napi_float32_array: return ConvertLoop(static_cast<const float *>(s.data), s.length, target, dtype, error);
    case napi_float64_array: return ConvertLoop(static_cast<const double *>(s.data), s.length, target, dtype, error);
    case napi_bigint64_array: return ConvertLoop(static_cast<const int64_t *>(s.data), s.length, target, dtype, error);
    case napi_biguint64_array:
      return ConvertLoop(static_cast<const uint64_t *>(s.data), s.length, target, dtype, error);
    default:
      error = "unsupported typed array type";
      return false;
  }
}

template <typename Dst>
bool FillAs(const Napi::Value &value, int32_t dtype, Dst *target, int64_t length, std::string &error) {
  Dst converted{};
  bool ok;
  std::string shown;
  if (value.IsBigInt()) {
    bool lossless = false;
    int64_t v = value.As<Napi::BigInt>().Int64Value(&lossless);
    ok = lossless && FromInt64<Dst>(v, converted);
    shown = value.ToString().Utf8Value() + "n";
  } else {
    double v = value.As<Napi::Number>().DoubleValue();
    ok = FromDouble<Dst>(v, converted);
    shown = Describe(v);
  }
  if (!ok) {
    error = "value " + shown + " is not exactly representable as " + DtypeName(dtype);
    return false;
  }
  for (int64_t i = 0; i < length; ++i) target[i] = converted;
  return true;
}

}  // namespace

Napi::Value CopyOut(Napi::Env env, int32_t dtype, const void *data, int64_t length) {
  switch (dtype) {
    case SS_F64: return CopyOutAs<double>(env, data, length);
    case SS_F32: return CopyOutAs<float>(env, data, length);
    case SS_I32: return CopyOutAs<int32_t>(env, data, length);
    case SS_I64: return CopyOutAs<int64_t>(env, data, length);
    case SS_U16: return CopyOutAs<uint16_t>(env, data, length);
    case SS_U8: return CopyOutAs<uint8_t>(env, data, length);
    default: throw Napi::Error::New(env, "unknown dtype " + std::to_string(dtype));
  }
}

TypedArrayView ViewOf(const Napi::TypedArray &array) {
  napi_typedarray_type type;
  size_t length = 0;
  void *data = nullptr;
  napi_value buffer;
  size_t offset = 0;
  napi_status status = napi_get_typedarray_info(array.Env(), array, &type, &length, &data, &buffer, &offset);
  NAPI_THROW_IF_FAILED(array.Env(), status, TypedArrayView{});
  // napi_get_typedarray_info already applies the byte offset to `data`.
  return TypedArrayView{type, data, length};
}

bool ConvertInto(const TypedArrayView &source, int32_t dtype, void *target, std::string &error) {
  int32_t sourceDtype;
  if (DtypeOfTypedArray(source.type, sourceDtype) && sourceDtype == dtype) {
    if (source.length > 0) std::memcpy(target, source.data, source.length * DtypeSize(dtype));
    return true;
  }
  switch (dtype) {
    case SS_F64: return ConvertTo(source, dtype, static_cast<double *>(target), error);
    case SS_F32: return ConvertTo(source, dtype, static_cast<float *>(target), error);
    case SS_I32: return ConvertTo(source, dtype, static_cast<int32_t *>(target), error);
    case SS_I64: return ConvertTo(source, dtype, static_cast<int64_t *>(target), error);
    case SS_U16: return ConvertTo(source, dtype, static_cast<uint16_t *>(target), error);
    case SS_U8: return ConvertTo(source, dtype, static_cast<uint8_t *>(target), error);
    default: error = std::string("unknown dtype ") + std::to_string(dtype); return false;
  }
}

bool FillScalar(const Napi::Value &value, int32_t dtype, void *target, int64_t length, std::string &error) {
  switch (dtype) {
    case SS_F64: return FillAs(value, dtype, static_cast<double *>(target), length, error);
    case SS_F32: return FillAs(value, dtype, static_cast<float *>(target), length, error);
    case SS_I32: return FillAs(value, dtype, static_cast<int32_t *>(target), length, error);
    case SS_I64: return FillAs(value, dtype, static_cast<int64_t *>(target), length, error);
    case SS_U16: return FillAs(value, dtype, static_cast<uint16_t *>(target), length, error);
    case SS_U8: return FillAs(value, dtype, static_cast<uint8_t *>(target), length, error);
    default: error = std::string("unknown dtype ") + std::to_string(dtype); return false;
  }
}

}  // namespace spikesweep
