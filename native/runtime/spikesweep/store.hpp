// Named, typed arrays owned by one simulation. Everything the simulation holds is registered
// here, so the addon can list, read and write any of it (set values after compile, reset,
// checkpoints) without knowing the model. Arrays never move once registered.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "spikesweep_abi.h"

// Where arrays live: host memory, unless the backend's runtime provides array_memory.hpp (memory
// its kernels on another device can also reach) with the same two functions.
#if __has_include("array_memory.hpp")
#include "array_memory.hpp"
#else
namespace ss {
inline void *array_alloc(size_t bytes, size_t alignment) { return ::operator new(bytes, std::align_val_t(alignment)); }
inline void array_free(void *p, size_t alignment) { ::operator delete(p, std::align_val_t(alignment)); }
}  // namespace ss
#endif

namespace ss {

// Scratch vectors the kernels read (spike flags, refractory bytes) live where the arrays do.
template <class T> struct ArrayAllocator {
  using value_type = T;
  ArrayAllocator() = default;
  template <class U> ArrayAllocator(const ArrayAllocator<U> &) {}
  T *allocate(size_t n) { return static_cast<T *>(array_alloc(std::max<size_t>(n, 1) * sizeof(T), alignof(std::max_align_t))); }
  void deallocate(T *p, size_t) { array_free(p, alignof(std::max_align_t)); }
  template <class U> bool operator==(const ArrayAllocator<U> &) const { return true; }
  template <class U> bool operator!=(const ArrayAllocator<U> &) const { return false; }
};
template <class T> using ArrayVector = std::vector<T, ArrayAllocator<T>>;

template <class T> struct DType;
template <> struct DType<double> { static constexpr int32_t id = SS_F64; };
template <> struct DType<float> { static constexpr int32_t id = SS_F32; };
template <> struct DType<int32_t> { static constexpr int32_t id = SS_I32; };
template <> struct DType<int64_t> { static constexpr int32_t id = SS_I64; };
template <> struct DType<uint16_t> { static constexpr int32_t id = SS_U16; };
template <> struct DType<uint8_t> { static constexpr int32_t id = SS_U8; };

class Store {
 public:
  // A new array, every element `fill`. It starts on a cache line of its own, and arrays of a page
  // or more start at different offsets within a 4 KiB page: update loops stream several arrays
  // side by side, and the CPU takes a load for a dependant of an earlier store to another array
  // at the same page offset (4K aliasing) — as every malloc'd array above 128 KiB would be.
  template <class T> T *add(std::string name, int64_t length, int32_t flags, T fill = T()) {
    const bool paged = size_t(length) * sizeof(T) >= kPageBytes;
    const size_t offset = paged ? (placed_++ * kStaggerBytes) % kPageBytes : 0;
    auto holder = std::make_unique<AlignedHolder<T>>(size_t(length), paged ? kPageBytes : kLineBytes, offset);
    std::fill_n(holder->values, length, fill);
    return enter<T>(std::move(name), flags, std::move(holder));
  }

  // An array built elsewhere (connectivity), copied into the store's memory.
  template <class T> T *adopt(std::string name, std::vector<T> &&values, int32_t flags) {
    auto holder = std::make_unique<AlignedHolder<T>>(values.size(), kLineBytes, 0);
    std::copy(values.begin(), values.end(), holder->values);
    return enter<T>(std::move(name), flags, std::move(holder));
  }

  int64_t count() const { return int64_t(entries_.size()); }

  bool at(int64_t index, ss_array *out) {
    if (index < 0 || index >= count()) return false;
    Entry &e = entries_[size_t(index)];
    out->name = e.name.c_str();
    out->dtype = e.dtype;
    out->flags = e.flags;
    out->length = e.holder->length();
    out->data = e.holder->data();
    return true;
  }

  // This store's array `name` becomes `from`'s, when both hold the same bytes and it is read-only
  // (neither state nor settable): copies of a batch then hold it once (ss_share). Returns the
  // array's data, shared or not. `from`'s stays alive while either store holds it.
  template <class T> T *share(const std::string &name, const Store &from) {
    Entry *mine = entry(name);
    if (!mine) throw std::logic_error("no array " + name + " to share");
    const Entry *theirs = from.entry(name);
    T *own = static_cast<T *>(mine->holder->data());
    const int64_t n = mine->holder->length();
    if (!theirs || (mine->flags & (SS_ARRAY_STATE | SS_ARRAY_SETTABLE)) || theirs->dtype != mine->dtype || theirs->holder->length() != n) return own;
    if (std::memcmp(own, theirs->holder->data(), size_t(n) * sizeof(T)) != 0) return own;
    mine->holder = theirs->holder;
    mine->flags |= SS_ARRAY_SHARED;
    return static_cast<T *>(mine->holder->data());
  }

  // Bytes of the arrays this store reads from another's.
  int64_t shared_bytes() const {
    int64_t bytes = 0;
    for (const Entry &e : entries_)
      if (e.flags & SS_ARRAY_SHARED) bytes += e.holder->length() * kDtypeBytes[e.dtype];
    return bytes;
  }

  bool find(const char *name, ss_array *out) {
    for (int64_t i = 0; i < count(); ++i)
      if (entries_[size_t(i)].name == name) return at(i, out);
    return false;
  }

 private:
  struct AnyHolder {
    virtual ~AnyHolder() = default;
    virtual void *data() = 0;
    virtual int64_t length() const = 0;
  };
  template <class T> struct AlignedHolder : AnyHolder {
    AlignedHolder(size_t n, size_t alignment, size_t offset)
        : alignment(alignment),
          raw(static_cast<char *>(array_alloc(offset + std::max<size_t>(n, 1) * sizeof(T), alignment))),
          values(reinterpret_cast<T *>(raw + offset)),
          n(int64_t(n)) {}
    ~AlignedHolder() override { array_free(raw, alignment); }
    AlignedHolder(const AlignedHolder &) = delete;
    AlignedHolder &operator=(const AlignedHolder &) = delete;
    void *data() override { return values; }
    int64_t length() const override { return n; }
    size_t alignment;
    char *raw;
    T *values;
    int64_t n;
  };
  template <class T> T *enter(std::string name, int32_t flags, std::unique_ptr<AnyHolder> holder) {
    T *data = static_cast<T *>(holder->data());
    entries_.push_back(Entry{std::move(name), DType<T>::id, flags, std::move(holder)});
    return data;
  }
  // Shared: a batch's copies may hold one array together (share).
  struct Entry {
    std::string name;
    int32_t dtype;
    int32_t flags;
    std::shared_ptr<AnyHolder> holder;
  };
  Entry *entry(const std::string &name) {
    for (Entry &e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }
  const Entry *entry(const std::string &name) const { return const_cast<Store *>(this)->entry(name); }
  static constexpr int64_t kDtypeBytes[] = {8, 4, 4, 8, 2, 1};  // by enum ss_dtype
  static constexpr size_t kLineBytes = 64;
  static constexpr size_t kPageBytes = 4096;
  static constexpr size_t kStaggerBytes = 17 * kLineBytes;  // 17 is prime to 64: cycles through all 64 lines of a page
  std::vector<Entry> entries_;
  size_t placed_ = 0;
};

}  // namespace ss
