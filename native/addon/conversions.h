// Conversions between ss_dtype buffers and JS typed arrays / scalars. Copies only; nothing here
// keeps a pointer into a sim or into a JS buffer.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

#include "spikesweep_abi.h"

namespace spikesweep {

const char *DtypeName(int32_t dtype);  // "f64", "f32", "i32", "i64", "u16", "u8", or "?"
size_t DtypeSize(int32_t dtype);       // 0 for an unknown dtype

// The ss_dtype a typed array maps to without conversion; false for other typed array types.
bool DtypeOfTypedArray(napi_typedarray_type type, int32_t &dtype);

// A new typed array of the dtype's own type (BigInt64Array for i64) holding a copy of `data`.
Napi::Value CopyOut(Napi::Env env, int32_t dtype, const void *data, int64_t length);

// Raw view of a typed array's elements.
struct TypedArrayView {
  napi_typedarray_type type;
  const void *data;
  size_t length;
};
TypedArrayView ViewOf(const Napi::TypedArray &array);

// Copies `length` elements of `source` into `target` (of `dtype`), converting element by element.
// A conversion must be lossless (e.g. 3.0 → i32 is fine, 3.5 or 1e10 is not); on the first value
// that is not, returns false with `error` naming the index and value. `target` may be partly
// written then, so callers convert into scratch memory when atomicity matters.
bool ConvertInto(const TypedArrayView &source, int32_t dtype, void *target, std::string &error);

// Fills `length` elements of `target` with a JS number or bigint, losslessly converted.
bool FillScalar(const Napi::Value &value, int32_t dtype, void *target, int64_t length, std::string &error);

}  // namespace spikesweep
