// Connectivity rules (see connectivity.hpp). Compiled once per compiler and flags, not per network.
#include "connectivity.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "philox.hpp"

namespace ss {

// Runs fill(i, out) for every row twice: once to size the rows, once to fill them in place.
namespace {

template <class RowFn> Csr csr_from_rows(const RuleArgs &a, RowFn fill) {
  Csr c;
  c.n_pre = a.n_pre;
  c.n_post = a.n_post;
  c.row_ptr.assign(size_t(a.n_pre + 1), 0);
  std::vector<int32_t> scratch;
  for (int64_t i = 0; i < a.n_pre; ++i) {
    scratch.clear();
    fill(i, scratch);
    c.row_ptr[size_t(i + 1)] = int64_t(scratch.size());
  }
  for (int64_t i = 0; i < a.n_pre; ++i) c.row_ptr[size_t(i + 1)] += c.row_ptr[size_t(i)];
  c.col.resize(size_t(c.row_ptr.back()));
  for (int64_t i = 0; i < a.n_pre; ++i) {
    scratch.clear();
    fill(i, scratch);
    std::copy(scratch.begin(), scratch.end(), c.col.begin() + c.row_ptr[size_t(i)]);
  }
  return c;
}

bool excluded(const RuleArgs &a, int64_t i, int64_t j) {
  return a.same_population && !a.allow_self && i == j;
}

// n distinct values of [0, range) except `skip` (−1 for none), sorted: Floyd's algorithm.
void choose_distinct(int64_t range, int64_t n, int64_t skip, uint64_t seed, uint32_t stream,
                            uint64_t row, std::vector<int32_t> &out) {
  const int64_t span = skip >= 0 ? range - 1 : range;
  out.clear();
  for (int64_t k = span - n, draw = 0; k < span; ++k, ++draw) {
    int64_t t = int64_t(std::floor(uniform(seed, stream, uint64_t(draw), row) * double(k + 1)));
    if (t > k) t = k;
    auto pos = std::lower_bound(out.begin(), out.end(), int32_t(t));
    if (pos != out.end() && *pos == t) {
      t = k;
      pos = std::lower_bound(out.begin(), out.end(), int32_t(t));
    }
    out.insert(pos, int32_t(t));
  }
  if (skip >= 0)
    for (auto &v : out)
      if (v >= skip) ++v;
  std::sort(out.begin(), out.end());
}

}  // namespace

Csr all_to_all(const RuleArgs &a) {
  return csr_from_rows(a, [&](int64_t i, std::vector<int32_t> &out) {
    for (int64_t j = 0; j < a.n_post; ++j)
      if (!excluded(a, i, j)) out.push_back(int32_t(j));
  });
}

Csr one_to_one(const RuleArgs &a) {
  return csr_from_rows(a, [&](int64_t i, std::vector<int32_t> &out) {
    if (i < a.n_post) out.push_back(int32_t(i));
  });
}

// Geometric skipping: the gap to the next connected column is Geometric(p), so a row costs
// O(p · n_post) draws instead of n_post.
Csr fixed_probability(const RuleArgs &a, double p) {
  if (p <= 0.0) return csr_from_rows(a, [](int64_t, std::vector<int32_t> &) {});
  if (p >= 1.0) return all_to_all(a);
  const double log_q = std::log1p(-p);
  return csr_from_rows(a, [&, log_q](int64_t i, std::vector<int32_t> &out) {
    int64_t j = -1;
    for (uint64_t k = 0;; ++k) {
      const double u = uniform(a.seed, a.stream, k, uint64_t(i));
      j += int64_t(std::floor(std::log1p(-u) / log_q)) + 1;
      if (j >= a.n_post) break;
      if (!excluded(a, i, j)) out.push_back(int32_t(j));
    }
  });
}

Csr fixed_number_post(const RuleArgs &a, int64_t number) {
  const int64_t candidates = a.same_population && !a.allow_self ? a.n_post - 1 : a.n_post;
  if (number > candidates)
    throw std::runtime_error("fixedNumber: " + std::to_string(number) + " synapses requested per neuron but only " +
                             std::to_string(candidates) + " candidates");
  return csr_from_rows(a, [&](int64_t i, std::vector<int32_t> &out) {
    const int64_t skip = a.same_population && !a.allow_self && i < a.n_post ? i : -1;
    choose_distinct(a.n_post, number, skip, a.seed, a.stream, uint64_t(i), out);
  });
}

// Each post neuron draws its presynaptic set; the lists are then transposed to pre-major CSR.
Csr fixed_number_pre(const RuleArgs &a, int64_t number) {
  RuleArgs by_post = a;
  std::swap(by_post.n_pre, by_post.n_post);
  Csr t = fixed_number_post(by_post, number);
  Csr c;
  c.n_pre = a.n_pre;
  c.n_post = a.n_post;
  c.row_ptr.assign(size_t(a.n_pre + 1), 0);
  for (int32_t pre : t.col) ++c.row_ptr[size_t(pre) + 1];
  for (int64_t i = 0; i < a.n_pre; ++i) c.row_ptr[size_t(i + 1)] += c.row_ptr[size_t(i)];
  c.col.resize(t.col.size());
  std::vector<int64_t> next(c.row_ptr.begin(), c.row_ptr.end() - 1);
  for (int64_t post = 0; post < t.n_pre; ++post)
    for (int64_t k = t.row_ptr[size_t(post)]; k < t.row_ptr[size_t(post + 1)]; ++k)
      c.col[size_t(next[size_t(t.col[size_t(k)])]++)] = int32_t(post);
  return c;
}

// Explicit (pre, post) lists, ordered by (pre, post) with ties kept in input order.
Csr from_sparse(const RuleArgs &a, const int32_t *pre, const int32_t *post, int64_t n) {
  Csr c;
  c.n_pre = a.n_pre;
  c.n_post = a.n_post;
  c.origin.resize(size_t(n));
  std::iota(c.origin.begin(), c.origin.end(), 0);
  for (int64_t k = 0; k < n; ++k)
    if (pre[k] < 0 || pre[k] >= a.n_pre || post[k] < 0 || post[k] >= a.n_post)
      throw std::runtime_error("fromSparse: synapse " + std::to_string(k) + " (" + std::to_string(pre[k]) + " -> " +
                               std::to_string(post[k]) + ") is outside the populations");
  std::stable_sort(c.origin.begin(), c.origin.end(), [&](int64_t x, int64_t y) {
    return pre[x] != pre[y] ? pre[x] < pre[y] : post[x] < post[y];
  });
  c.row_ptr.assign(size_t(a.n_pre + 1), 0);
  c.col.resize(size_t(n));
  for (int64_t k = 0; k < n; ++k) {
    c.col[size_t(k)] = post[c.origin[size_t(k)]];
    ++c.row_ptr[size_t(pre[c.origin[size_t(k)]]) + 1];
  }
  for (int64_t i = 0; i < a.n_pre; ++i) c.row_ptr[size_t(i + 1)] += c.row_ptr[size_t(i)];
  return c;
}

}  // namespace ss
