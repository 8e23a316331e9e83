// The machine's own thread scaling for the reference networks' update (bench:scaling, issue 5):
// every step reads and writes three doubles per neuron (v and the two conductances of CUBA's LIF),
// each thread its fixed share, one barrier per step — the update's memory traffic and a step's
// synchronisation with nothing else: no spikes, no delivery, no work sharing. Built by the OpenMP
// backend's toolchain with its team (team.hpp), as kernels are.
//   stream-probe NEURONS STEPS THREADS   → one JSON line: {"threads", "neurons", "steps", "ms"}
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "team.hpp"

// Out of line with restrict pointers, as generated kernels are, so that it vectorises the same.
__attribute__((noinline)) static void update(double *__restrict v, double *__restrict ge, double *__restrict gi,
                                             long begin, long end) {
  for (long i = begin; i < end; ++i) {
    v[i] += 0.005 * ((-49.0 - v[i]) + ge[i] + gi[i]);
    ge[i] -= 0.02 * ge[i];
    gi[i] -= 0.01 * gi[i];
  }
}

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: stream-probe NEURONS STEPS THREADS\n");
    return 2;
  }
  const long n = std::atol(argv[1]), steps = std::atol(argv[2]);
  const int threads = std::atoi(argv[3]);
  std::vector<double> v(size_t(n), -60.0), ge(size_t(n), 1.0), gi(size_t(n), -1.0);
  const auto start = std::chrono::steady_clock::now();
  ss::run_team(threads, [&] {
    const int t = ss::team_thread(), T = ss::team_size();
    const long begin = n * t / T, end = n * (t + 1) / T;
    for (long s = 0; s < steps; ++s) {
      update(v.data(), ge.data(), gi.data(), begin, end);
      ss::team_barrier();
    }
  });
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"threads\":%d,\"neurons\":%ld,\"steps\":%ld,\"ms\":%.3f,\"check\":%.6f}\n", threads, n, steps, ms, v[size_t(n / 2)]);
  return 0;
}
