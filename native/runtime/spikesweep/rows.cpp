// Out-of-line parts of rows.hpp.
#include "rows.hpp"

#include <algorithm>

namespace ss {

void RowSplit::build(int T) {
  threads = std::max(T, 1);
  offsets.assign(size_t(threads - 1) * size_t(n_pre), 0);
  for (int t = 1; t < threads; ++t) {
    int64_t jb, je;
    target_range(n_post, t, threads, jb, je);
    int32_t *out = offsets.data() + size_t(t - 1) * size_t(n_pre);
    for (int64_t i = 0; i < n_pre; ++i) {
      const int32_t *row = col + row_ptr[i], *row_end = col + row_ptr[i + 1];
      out[i] = int32_t(std::lower_bound(row, row_end, int32_t(jb)) - row);
    }
  }
}

}  // namespace ss
