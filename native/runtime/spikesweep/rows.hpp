// How a projection's deliveries walk its CSR rows (presynaptic neurons, columns ascending): which
// part of each row a thread delivers, and fetching the rows ahead of use.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace ss {

// A read-only list of spiking neurons (ascending).
struct Spikes {
  const int32_t *data = nullptr;
  int64_t count = 0;
  const int32_t *begin() const { return data; }
  const int32_t *end() const { return data + count; }
  bool empty() const { return count == 0; }
};

// Contiguous slice of [0, n) for thread t of T: the same partition on every run.
inline void thread_range(int64_t n, int t, int T, int64_t &begin, int64_t &end) {
  begin = n * t / T;
  end = n * (t + 1) / T;
}

// One thread's part of every row: synapses [begin(i), end(i)). A null offset table stands for
// the row's own start or end.
struct RowPart {
  const int64_t *row_ptr = nullptr;
  const int32_t *first = nullptr;  // per row: offset of the part's first synapse
  const int32_t *last = nullptr;   // per row: offset just past the part's last synapse
  int64_t begin(int64_t i) const { return row_ptr[i] + (first ? first[i] : 0); }
  int64_t end(int64_t i) const { return last ? row_ptr[i] + last[i] : row_ptr[i + 1]; }
};

// A spike's row of synapses lies far from the previous spike's (beyond the caches in large
// networks), and walking one row does not reveal where the next starts: fetching the rows of the
// spikes a few places ahead lets their memory latency overlap the current row's delivery.
// always_inline: GCC judges a separate function of prefetches side-effect free and drops its calls.
__attribute__((always_inline)) inline void prefetch_rows(const RowPart &rows, const int32_t *col, const Spikes &spikes, int64_t n) {
  if (n + 8 < spikes.count) {
    const int32_t i = spikes.data[n + 8];
    __builtin_prefetch(rows.row_ptr + i);
    if (rows.first) __builtin_prefetch(rows.first + i);
    if (rows.last) __builtin_prefetch(rows.last + i);
  }
  if (n + 4 < spikes.count) {
    const int32_t i = spikes.data[n + 4];
    const char *first = reinterpret_cast<const char *>(col + rows.begin(i));
    const char *last = reinterpret_cast<const char *>(col + rows.end(i));
    for (const char *p = first; p < last; p += 64) __builtin_prefetch(p);
    if (last > first) __builtin_prefetch(last - 1);
  }
}

}  // namespace ss
