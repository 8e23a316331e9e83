// Connectivity rules built natively as CSR (rows = presynaptic neurons, columns ascending).
// Each row draws from its own Philox counters, so rows could be built in any order. They are built
// on the calling thread: building runs on the JS thread, and an OpenMP team there would leave a
// second idle thread pool next to the run's team, which makes libgomp stop spinning at barriers.
#pragma once
#include <cstdint>
#include <vector>

namespace ss {

struct Csr {
  int64_t n_pre = 0, n_post = 0;
  std::vector<int64_t> row_ptr;  // n_pre + 1
  std::vector<int32_t> col;      // post index of each synapse
  std::vector<int64_t> origin;   // fromSparse only: input row of each synapse
};

struct RuleArgs {
  int64_t n_pre, n_post;
  bool same_population;        // pre and post are the same population
  bool allow_self;             // allowed when same_population
  uint64_t seed;
  uint32_t stream;
};

Csr all_to_all(const RuleArgs &a);
Csr one_to_one(const RuleArgs &a);
Csr fixed_probability(const RuleArgs &a, double p);
Csr fixed_number_post(const RuleArgs &a, int64_t number);
Csr fixed_number_pre(const RuleArgs &a, int64_t number);
Csr from_sparse(const RuleArgs &a, const int32_t *pre, const int32_t *post, int64_t n);

}  // namespace ss
