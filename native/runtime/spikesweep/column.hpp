// A growable array of plain values, for monitors' recordings. It grows by moving its pages to a
// larger mapping (mremap) where std::vector copies them into a new allocation: recording a 1 s CUBA
// 256k run (1.46 M spikes) spent 45 ms of the loop in those copies and in page faults on the
// copies' fresh memory, 3 % of a 2-thread run, and needed twice the recording's size while growing.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace ss {

template <class T> class Column {
  static_assert(std::is_trivially_copyable_v<T>, "a Column holds plain values");

 public:
  Column() = default;
  Column(const Column &) = delete;
  Column &operator=(const Column &) = delete;
  Column(Column &&other) noexcept { swap(other); }
  Column &operator=(Column &&other) noexcept {
    swap(other);
    return *this;
  }
  ~Column() {
    if (data_) munmap(data_, bytes_);
  }

  const T *data() const { return data_; }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }
  void swap(Column &other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(bytes_, other.bytes_);
  }

  void push_back(T value) { append(&value, 1); }
  void append(const T *values, size_t n) {
    reserve(size_ + n);
    std::memcpy(data_ + size_, values, n * sizeof(T));
    size_ += n;
  }
  void append_copies(T value, size_t n) {
    reserve(size_ + n);
    std::fill_n(data_ + size_, n, value);
    size_ += n;
  }

 private:
  // Doubles the mapping (at least to n elements); pages already written move, not copied.
  void reserve(size_t n) {
    if (n * sizeof(T) <= bytes_) return;
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    const size_t bytes = std::max(2 * bytes_, (n * sizeof(T) + page - 1) / page * page);
    void *p = data_ ? mremap(data_, bytes_, bytes, MREMAP_MAYMOVE)
                    : mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<T *>(p);
    bytes_ = bytes;
  }

  T *data_ = nullptr;
  size_t size_ = 0;   // elements
  size_t bytes_ = 0;  // length of the mapping
};

}  // namespace ss
