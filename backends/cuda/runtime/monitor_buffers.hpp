// Monitors filled on the device. Each step a spike monitor's kernel copies the step's spike list
// (the population's spike history row, spike_stage.hpp) into the monitor's buffer, and a state
// monitor's kernel, at its sampling steps, copies the sampled elements; the host only notes the
// step. The host drains a buffer into the monitor's columns (monitor.hpp), which filter and
// convert as they do for the CPU backends, when it is full and at the end of every run — the
// engine's window — so the outputs are the CPU's. Emulated, the drain is a copy.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "launch.hpp"
#include "spike_stage.hpp"
#include "spikesweep/monitor.hpp"
// After spikesweep/sim.hpp (Population, SimBase), which the generated source includes first.

namespace ss {

// Bytes a monitor's buffer may take on the device; it holds 1 to kMonitorBufferSteps steps.
constexpr int64_t kMonitorBufferBytes = int64_t(16) << 20;
constexpr int64_t kMonitorBufferSteps = 1024;

// One monitor's steps since its last drain.
struct MonitorBuffer {
  int64_t width = 0;              // per step: spikes, the population's size; state, the sampled elements
  int64_t element = 0;            // bytes per value
  int64_t capacity = 0;           // steps it holds
  ArrayVector<uint8_t> rows;      // capacity × width × element
  ArrayVector<int32_t> counts;    // spikes: the list's length at each step
  ArrayVector<int32_t> indices;   // state: the sampled elements
  std::vector<int64_t> steps;     // host: the step of each row held

  MonitorBuffer(const Monitor &m, int64_t population_size) {
    const bool spikes = m.kind == SS_MONITOR_SPIKES;
    width = spikes ? population_size : int64_t(m.indices.size());
    element = spikes ? int64_t(sizeof(int32_t)) : int64_t(dtype_bytes(m.source.dtype));
    capacity = std::clamp<int64_t>(kMonitorBufferBytes / std::max<int64_t>(width * element, 1), 1, kMonitorBufferSteps);
    rows.assign(size_t(capacity * width * element), 0);
    counts.assign(size_t(capacity), 0);
    indices.assign(m.indices.begin(), m.indices.end());
  }
  bool full() const { return int64_t(steps.size()) == capacity; }
};

// Step `step`'s spike list of `p` (its spike history row) into row `row` of a spike monitor's buffer.
inline void copy_spikes(const Population &p, int64_t step, MonitorBuffer &buffer, int64_t row) {
  const DeviceSpikes spiked = emitted_on_device(p, step + 1, 1);
  const int32_t *list = spiked.data;
  const int32_t *total = spiked.count;
  int32_t *out = reinterpret_cast<int32_t *>(buffer.rows.data()) + row * buffer.width;
  int32_t *count = buffer.counts.data() + row;
  launch(buffer.width, SS_KERNEL(int64_t i) {
    if (i == 0) *count = *total;
    if (i < *total) out[i] = list[i];
  });
}

// A state monitor's sampled elements of `source` into row `row` of its buffer, packed.
inline void copy_sample(const ss_array &source, MonitorBuffer &buffer, int64_t row) {
  const uint8_t *from = static_cast<const uint8_t *>(source.data);
  const int32_t *indices = buffer.indices.data();
  const int64_t element = buffer.element;
  uint8_t *out = buffer.rows.data() + row * buffer.width * element;
  launch(buffer.width, SS_KERNEL(int64_t k) {
    for (int64_t b = 0; b < element; ++b) out[k * element + b] = from[int64_t(indices[k]) * element + b];
  });
}

// One monitor's part of a resident window: its buffer and the row each step of the window writes
// (-1: none). A state monitor's block reads its source in shared memory where it is
// staged (resident.hpp).
struct ResidentMonitor {
  int32_t spikes = 0, population = 0;
  int64_t width = 0, element = 0;
  uint8_t *rows = nullptr;
  int32_t *counts = nullptr;
  const int32_t *indices = nullptr;
  const uint8_t *source = nullptr;
  const int32_t *row_at = nullptr;
};

// Whether a monitor records step `step` (a spike monitor every step from its start while active).
inline bool records(const Monitor &m, int64_t step) {
  return m.kind == SS_MONITOR_SPIKES ? m.active && step >= m.start : m.samples(step);
}

class MonitorBuffers {
 public:
  // Before a run: a buffer for every monitor (monitors are added between runs), allocated
  // before its launches are captured.
  void prepare(const SimBase &sim) {
    for (size_t m = buffers_.size(); m < sim.monitors.size(); ++m) {
      const Monitor &monitor = sim.monitors[m];
      buffers_.emplace_back(monitor, monitor.kind == SS_MONITOR_SPIKES ? sim.populations[size_t(monitor.population)].size : 0);
    }
  }

  // Step `sim.step`'s record of every monitor, into its buffer on the device.
  void record(SimBase &sim) {
    for (size_t m = 0; m < sim.monitors.size(); ++m) {
      const Monitor &monitor = sim.monitors[m];
      MonitorBuffer &buffer = buffers_[m];
      if (!records(monitor, sim.step)) continue;
      if (buffer.full()) drain(sim.monitors);
      const int64_t row = int64_t(buffer.steps.size());
      if (monitor.kind == SS_MONITOR_SPIKES)
        copy_spikes(sim.populations[size_t(monitor.population)], sim.step, buffer, row);
      else
        copy_sample(monitor.source, buffer, row);
      buffer.steps.push_back(sim.step);
    }
  }

  // How many of the `steps` steps from sim.step on (at least one) every buffer has rows for: a
  // resident window's length (resident.hpp). A buffer without a row left is drained first.
  int64_t room(SimBase &sim, int64_t steps) {
    prepare(sim);
    if (std::any_of(buffers_.begin(), buffers_.end(), [](const MonitorBuffer &b) { return b.full(); })) drain(sim.monitors);
    for (size_t m = 0; m < buffers_.size(); ++m) {
      int64_t free = buffers_[m].capacity - int64_t(buffers_[m].steps.size());
      for (int64_t k = 0; k < steps; ++k)
        if (records(sim.monitors[m], sim.step + k) && free-- == 0) steps = k;
    }
    return steps;
  }

  // A resident window of `steps` steps from sim.step: each monitor's buffer for the device
  // (`out`), the row each step writes in rows[m * steps + k] (-1: none), its steps noted as
  // buffered.
  void plan_window(const SimBase &sim, int64_t steps, ResidentMonitor *out, int32_t *rows) {
    for (size_t m = 0; m < buffers_.size(); ++m) {
      const Monitor &monitor = sim.monitors[m];
      MonitorBuffer &buffer = buffers_[m];
      const bool spikes = monitor.kind == SS_MONITOR_SPIKES;
      int32_t *row_at = rows + int64_t(m) * steps;
      for (int64_t k = 0; k < steps; ++k) {
        const bool sampled = records(monitor, sim.step + k);
        row_at[k] = sampled ? int32_t(buffer.steps.size()) : -1;
        if (sampled) buffer.steps.push_back(sim.step + k);
      }
      out[m] = ResidentMonitor{spikes ? 1 : 0, monitor.population, buffer.width, buffer.element, buffer.rows.data(), buffer.counts.data(),
                               buffer.indices.data(), spikes ? nullptr : static_cast<const uint8_t *>(monitor.source.data), row_at};
    }
  }

  // Every buffered step into its monitor's columns.
  void drain(std::vector<Monitor> &monitors) {
    wait_for_device();
    for (size_t m = 0; m < buffers_.size(); ++m) {
      MonitorBuffer &buffer = buffers_[m];
      for (size_t r = 0; r < buffer.steps.size(); ++r) {
        const uint8_t *row = buffer.rows.data() + int64_t(r) * buffer.width * buffer.element;
        if (monitors[m].kind == SS_MONITOR_SPIKES)
          monitors[m].record_spikes(buffer.steps[r], reinterpret_cast<const int32_t *>(row), buffer.counts[r]);
        else
          monitors[m].record_sample(buffer.steps[r], row);
      }
      buffer.steps.clear();
    }
  }

  // After a failed run: forgets what it buffered.
  void discard() {
    for (auto &buffer : buffers_) buffer.steps.clear();
  }

 private:
  std::vector<MonitorBuffer> buffers_;
};

}  // namespace ss
