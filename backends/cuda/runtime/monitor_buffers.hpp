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
      if (monitor.kind == SS_MONITOR_SPIKES ? !monitor.active || sim.step < monitor.start : !monitor.samples(sim.step)) continue;
      if (buffer.full()) drain(sim.monitors);
      const int64_t row = int64_t(buffer.steps.size());
      if (monitor.kind == SS_MONITOR_SPIKES)
        copy_spikes(sim.populations[size_t(monitor.population)], sim.step, buffer, row);
      else
        copy_sample(monitor.source, buffer, row);
      buffer.steps.push_back(sim.step);
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
