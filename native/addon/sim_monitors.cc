// Monitor methods of SimWrap: add, activate, and take (copied into columnar typed arrays).
#include <vector>

#include "conversions.h"
#include "sim_wrap.h"

namespace spikesweep {

// addMonitor(kind, population, array: string | null, indices: Int32Array | null, periodSteps, startStep) → id
Napi::Value SimWrap::AddMonitor(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "addMonitor");
  ss_monitor_desc desc{};
  desc.kind = info[0].As<Napi::Number>().Int32Value();
  desc.population = info[1].As<Napi::Number>().Int32Value();
  if (info[2].IsString()) {
    h.monitorArrays.push_back(info[2].As<Napi::String>().Utf8Value());
    desc.array = h.monitorArrays.back().c_str();
  }
  if (info[3].IsTypedArray()) {
    auto indices = info[3].As<Napi::Int32Array>();
    h.monitorIndices.emplace_back(indices.Data(), indices.Data() + indices.ElementLength());
    desc.indices = h.monitorIndices.back().data();
    desc.num_indices = static_cast<int64_t>(h.monitorIndices.back().size());
  }
  desc.period_steps = info[4].As<Napi::Number>().Int64Value();
  desc.start_step = info[5].As<Napi::Number>().Int64Value();

  char err[1024];
  err[0] = '\0';
  int32_t id = h.lib->monitor_add(h.sim, &desc, err, sizeof err);
  err[sizeof err - 1] = '\0';
  if (id < 0) {
    throw Napi::Error::New(env, std::string("sim.addMonitor: ") + (err[0] != '\0' ? err : "the kernel refused the monitor"));
  }
  h.monitorKinds[id] = desc.kind;
  return Napi::Number::New(env, id);
}

Napi::Value SimWrap::SetMonitorActive(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "setMonitorActive");
  int32_t id = info[0].As<Napi::Number>().Int32Value();
  if (h.monitorKinds.count(id) == 0) throw Napi::RangeError::New(env, "sim.setMonitorActive: no monitor with id " + std::to_string(id));
  int32_t rc = h.lib->monitor_set_active(h.sim, id, info[1].ToBoolean().Value() ? 1 : 0);
  if (rc != 0) {
    throw Napi::Error::New(env, "sim.setMonitorActive(" + std::to_string(id) + "): kernel returned " + std::to_string(rc));
  }
  return env.Undefined();
}

Napi::Value SimWrap::TakeMonitor(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "takeMonitor");
  int32_t id = info[0].As<Napi::Number>().Int32Value();
  auto kind = h.monitorKinds.find(id);
  if (kind == h.monitorKinds.end()) throw Napi::RangeError::New(env, "sim.takeMonitor: no monitor with id " + std::to_string(id));
  ss_monitor_data data{};
  int32_t rc = h.lib->monitor_take(h.sim, id, &data);
  if (rc != 0) throw Napi::Error::New(env, "sim.takeMonitor(" + std::to_string(id) + "): kernel returned " + std::to_string(rc));
  int64_t rows = data.rows < 0 ? 0 : data.rows;
  // The kernel's pointers stay valid only until the next call on the sim: copy everything now.
  static const int64_t kNone = 0;
  Napi::Object out = Napi::Object::New(env);
  out.Set("kind", kind->second == SS_MONITOR_SPIKES ? "spikes" : "state");
  out.Set("steps", CopyOut(env, SS_I64, rows > 0 ? data.steps : &kNone, rows));
  if (kind->second == SS_MONITOR_SPIKES) {
    out.Set("neurons", CopyOut(env, SS_I32, rows > 0 ? static_cast<const void *>(data.neurons) : &kNone, rows));
  } else {
    int64_t width = data.width < 0 ? 0 : data.width;
    int64_t count = rows * width;
    out.Set("values", CopyOut(env, SS_F64, count > 0 ? static_cast<const void *>(data.values) : &kNone, count));
    out.Set("width", Napi::Number::New(env, static_cast<double>(width)));
  }
  return out;
}

}  // namespace spikesweep
