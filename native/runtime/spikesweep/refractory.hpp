// The refractory countdown of a population's neurons.
//
// Between runs the store's int32 array `<population>._refractory_left` holds each neuron's
// remaining refractory steps: what checkpoints save and users read. During a run the update loop
// counts down one byte per neuron instead — it streams every neuron every step, so the counter's
// width is memory bandwidth (256k-neuron CUBA: 9 % of the step) — and `_refractory_left` holds
// only what does not fit the byte: the steps beyond it for the few neurons listed in `extended`
// (refractory periods longer than 255 steps), topped up into the byte before it runs out.
// Either way `_refractory_left + byte` is the remaining count, so a run ends bit-identical to one
// counting in int32.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "store.hpp"

namespace ss {

struct Refractory {
  static constexpr int32_t kByteMax = 255;
  static constexpr int32_t kTopUpBelow = 128;

  int32_t *left = nullptr;                              // the store's `_refractory_left`
  ArrayVector<uint8_t> steps;                           // the byte the update loop counts down
  std::vector<int32_t> extended;                        // neurons with steps parked in `left`
  std::vector<uint8_t> listed;                          // whether a neuron is in `extended`
  std::vector<std::vector<int32_t>> thread_extended;   // neurons each thread extended this step

  bool used() const { return left != nullptr; }

  void attach(int32_t *left_array, int64_t n, int threads) {
    left = left_array;
    steps.assign(size_t(n), 0);
    listed.assign(size_t(n), 0);
    set_threads(threads);
  }
  void set_threads(int threads) { thread_extended.assign(size_t(std::max(threads, 1)), {}); }

  // Splits each remaining count into the byte and the part beyond it.
  void begin_run() {
    extended.clear();
    for (size_t i = 0; i < steps.size(); ++i) {
      const int32_t remaining = left[i];
      steps[i] = uint8_t(std::clamp(remaining, 0, kByteMax));
      left[i] = remaining - int32_t(steps[i]);
      listed[i] = left[i] > 0;
      if (listed[i]) extended.push_back(int32_t(i));
    }
  }
  // Folds the byte back into `_refractory_left`.
  void end_run() {
    for (size_t i = 0; i < steps.size(); ++i) {
      left[i] += int32_t(steps[i]);
      steps[i] = 0;
      listed[i] = 0;
    }
    extended.clear();
  }

  // Before the update loop over [b, e): refills bytes running low from the parked steps.
  void top_up(int64_t b, int64_t e) {
    for (const int32_t i : extended) {
      if (i < b || i >= e || steps[size_t(i)] >= kTopUpBelow || left[i] <= 0) continue;
      const int32_t add = std::min(left[i], kByteMax - int32_t(steps[size_t(i)]));
      steps[size_t(i)] = uint8_t(steps[size_t(i)] + add);
      left[i] -= add;
    }
  }

  // A spike of neuron i (handled by `thread`) starts a refractory period of `total` steps.
  void start(int32_t i, int64_t total, int thread) {
    const int32_t n = int32_t(std::clamp<int64_t>(total, INT32_MIN, INT32_MAX));
    steps[size_t(i)] = uint8_t(std::clamp(n, 0, kByteMax));
    left[i] = n - int32_t(steps[size_t(i)]);
    if (left[i] > 0 && !listed[size_t(i)]) {
      listed[size_t(i)] = 1;
      thread_extended[size_t(thread)].push_back(i);
    }
  }

  // After every thread's update (one thread): takes in the newly extended neurons and drops
  // those with nothing left beyond their byte.
  void gather() {
    for (auto &found : thread_extended) {
      extended.insert(extended.end(), found.begin(), found.end());
      found.clear();
    }
    size_t kept = 0;
    for (const int32_t i : extended) {
      if (left[i] > 0) extended[kept++] = i;
      else listed[size_t(i)] = 0;
    }
    extended.resize(kept);
  }
};

}  // namespace ss
