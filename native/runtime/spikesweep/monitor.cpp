// Monitor recording and hand-over (see monitor.hpp).
#include "monitor.hpp"

namespace ss {

void Monitor::record_spikes(int64_t step, const int32_t *spiked, int64_t count) {
  if (!active || step < start) return;
  if (selected.empty()) {
    steps.append_copies(step, size_t(count));
    neurons.append(spiked, size_t(count));
    return;
  }
  for (int64_t k = 0; k < count; ++k) {
    const int32_t i = spiked[k];
    if (!selected[size_t(i)]) continue;
    steps.push_back(step);
    neurons.push_back(i);
  }
}

// Element i of an array of `dtype`, as a double.
static double element_of(const void *data, int32_t dtype, size_t i) {
  switch (dtype) {
    case SS_F64: return static_cast<const double *>(data)[i];
    case SS_F32: return static_cast<const float *>(data)[i];
    case SS_I32: return static_cast<const int32_t *>(data)[i];
    case SS_I64: return double(static_cast<const int64_t *>(data)[i]);
    case SS_U16: return static_cast<const uint16_t *>(data)[i];
    default: return static_cast<const uint8_t *>(data)[i];
  }
}

size_t dtype_bytes(int32_t dtype) {
  switch (dtype) {
    case SS_F64: case SS_I64: return 8;
    case SS_F32: case SS_I32: return 4;
    case SS_U16: return 2;
    default: return 1;
  }
}

void Monitor::record_state(int64_t step) {
  if (!samples(step)) return;
  steps.push_back(step);
  for (int32_t i : indices) values.push_back(element_of(source.data, source.dtype, size_t(i)));
}

void Monitor::record_sample(int64_t step, const void *packed) {
  steps.push_back(step);
  for (size_t k = 0; k < indices.size(); ++k) values.push_back(element_of(packed, source.dtype, k));
}

void Monitor::take(ss_monitor_data *out) {
  taken_steps.swap(steps);
  taken_neurons.swap(neurons);
  taken_values.swap(values);
  steps.clear();
  neurons.clear();
  values.clear();
  out->rows = int64_t(taken_steps.size());
  out->steps = taken_steps.data();
  out->neurons = kind == SS_MONITOR_SPIKES ? taken_neurons.data() : nullptr;
  out->values = kind == SS_MONITOR_STATE ? taken_values.data() : nullptr;
  out->width = kind == SS_MONITOR_STATE ? int64_t(indices.size()) : 0;
}

}  // namespace ss
