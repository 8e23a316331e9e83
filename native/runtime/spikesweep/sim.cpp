// Out-of-line parts of the shared simulation runtime (see sim.hpp).
#include "sim.hpp"

namespace ss {

const ss_input *find_input(const ss_create_args *a, const char *name) {
  for (int64_t k = 0; k < a->num_inputs; ++k)
    if (std::string(a->inputs[k].name) == name) return &a->inputs[k];
  return nullptr;
}

PostIndex post_index(const int64_t *row_ptr, const int32_t *col, int64_t n_pre, int64_t n_post) {
  PostIndex x;
  x.ptr.assign(size_t(n_post + 1), 0);
  const int64_t n = row_ptr[n_pre];
  for (int64_t k = 0; k < n; ++k) ++x.ptr[size_t(col[k]) + 1];
  for (int64_t j = 0; j < n_post; ++j) x.ptr[size_t(j + 1)] += x.ptr[size_t(j)];
  x.syn.resize(size_t(n));
  x.pre.resize(size_t(n));
  std::vector<int64_t> next(x.ptr.begin(), x.ptr.end() - 1);
  for (int64_t i = 0; i < n_pre; ++i)
    for (int64_t k = row_ptr[i]; k < row_ptr[i + 1]; ++k) {
      const int64_t at = next[size_t(col[k])]++;
      x.syn[size_t(at)] = k;
      x.pre[size_t(at)] = int32_t(i);
    }
  return x;
}

}  // namespace ss
