// Monitors record into columnar buffers that the addon takes in chunks: spikes as (step, neuron)
// pairs, state as one row of values per sample. Recording happens after each step's update.
#pragma once
#include <cstdint>
#include <vector>

#include "column.hpp"
#include "spikesweep_abi.h"

namespace ss {

struct Monitor {
  int32_t kind = SS_MONITOR_SPIKES;
  bool active = true;
  int64_t period = 1, start = 0;
  int32_t population = -1;
  ss_array source{};              // state monitors: the sampled array
  std::vector<int32_t> indices;   // state: sampled elements; spikes: empty ⇒ all
  std::vector<uint8_t> selected;  // spikes: per-neuron mask when indices were given
  Column<int64_t> steps, taken_steps;
  Column<int32_t> neurons, taken_neurons;
  Column<double> values, taken_values;

  void record_spikes(int64_t step, const int32_t *spiked, int64_t count);
  // Whether a state monitor samples at `step`.
  bool samples(int64_t step) const { return active && step >= start && (step - start) % period == 0; }
  void record_state(int64_t step);
  // A sample gathered elsewhere (a device buffer): the indices' elements, packed, in the source's dtype.
  void record_sample(int64_t step, const void *packed);
  void take(ss_monitor_data *out);
};

// Bytes of one element of an array of `dtype` (enum ss_dtype).
size_t dtype_bytes(int32_t dtype);

}  // namespace ss
