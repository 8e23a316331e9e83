#include "sim_wrap.h"

#include <cstring>
#include <vector>

#include "addon_data.h"
#include "conversions.h"
#include "run_task.h"

namespace spikesweep {

Napi::Function SimWrap::Define(Napi::Env env) {
  return DefineClass(env, "Sim",
                     {
                         InstanceMethod<&SimWrap::Arrays>("arrays"),
                         InstanceMethod<&SimWrap::GetArray>("getArray"),
                         InstanceMethod<&SimWrap::SetArray>("setArray"),
                         InstanceMethod<&SimWrap::SetThreads>("setThreads"),
                         InstanceMethod<&SimWrap::CurrentStep>("currentStep"),
                         InstanceMethod<&SimWrap::SetCurrentStep>("setCurrentStep"),
                         InstanceMethod<&SimWrap::Run>("run"),
                         InstanceMethod<&SimWrap::Cancel>("cancel"),
                         InstanceMethod<&SimWrap::AddMonitor>("addMonitor"),
                         InstanceMethod<&SimWrap::SetMonitorActive>("setMonitorActive"),
                         InstanceMethod<&SimWrap::TakeMonitor>("takeMonitor"),
                         InstanceMethod<&SimWrap::SetProfiling>("setProfiling"),
                         InstanceMethod<&SimWrap::Profile>("profile"),
                         InstanceMethod<&SimWrap::ResetProfile>("resetProfile"),
                         InstanceMethod<&SimWrap::Destroy>("destroy"),
                         InstanceAccessor<&SimWrap::IsRunning>("running"),
                         InstanceAccessor<&SimWrap::IsDestroyed>("destroyed"),
                     });
}

Napi::Object SimWrap::New(Napi::Env env, std::shared_ptr<SimHandle> handle) {
  AddonData &data = DataOf(env);
  data.pendingSim = std::move(handle);
  Napi::Object sim = data.simConstructor.New({data.token.Value()});
  data.pendingSim.reset();  // normally moved out by the constructor already
  return sim;
}

SimWrap::SimWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<SimWrap>(info) {
  AddonData &data = DataOf(info.Env());
  if (info.Length() != 1 || !info[0].StrictEquals(data.token.Value()) || !data.pendingSim) {
    throw Napi::TypeError::New(info.Env(), "Sim objects are made by kernel.create(), not constructed directly");
  }
  handle_ = std::move(data.pendingSim);
}

SimHandle &SimWrap::Live(Napi::Env env, const char *what) {
  if (!handle_) throw Napi::Error::New(env, std::string("sim.") + what + ": the sim has been destroyed");
  if (!handle_->copies.empty())
    throw Napi::Error::New(env, std::string("sim.") + what + ": a batch has no arrays, monitors or clock of its own; call it on its copies");
  if (handle_->running) {
    throw Napi::Error::New(env, std::string("sim.") + what +
                                    ": the sim is running; wait for the pending run() to settle first");
  }
  return *handle_;
}

ss_array SimWrap::FindArray(Napi::Env env, SimHandle &h, const std::string &name, const char *what) {
  int64_t count = h.lib->array_count(h.sim);
  std::string known;
  for (int64_t i = 0; i < count; ++i) {
    ss_array a{};
    if (h.lib->array_at(h.sim, i, &a) != 0 || a.name == nullptr) continue;
    if (name == a.name) return a;
    if (i < 12) known += (known.empty() ? "" : ", ") + std::string(a.name);
  }
  if (count > 12) known += ", …";
  throw Napi::Error::New(env, std::string("sim.") + what + ": no array named '" + name + "' (arrays: " + known + ")");
}

Napi::Value SimWrap::Arrays(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "arrays");
  int64_t count = h.lib->array_count(h.sim);
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  for (int64_t i = 0; i < count; ++i) {
    ss_array a{};
    if (h.lib->array_at(h.sim, i, &a) != 0 || a.name == nullptr) {
      throw Napi::Error::New(env, "sim.arrays: ss_array_at(" + std::to_string(i) + ") failed in kernel " + h.lib->path);
    }
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("name", a.name);
    entry.Set("dtype", DtypeName(a.dtype));
    entry.Set("length", Napi::Number::New(env, static_cast<double>(a.length)));
    entry.Set("state", Napi::Boolean::New(env, (a.flags & SS_ARRAY_STATE) != 0));
    entry.Set("settable", Napi::Boolean::New(env, (a.flags & SS_ARRAY_SETTABLE) != 0));
    entry.Set("synaptic", Napi::Boolean::New(env, (a.flags & SS_ARRAY_SYNAPTIC) != 0));
    entry.Set("shared", Napi::Boolean::New(env, (a.flags & SS_ARRAY_SHARED) != 0));
    out.Set(n++, entry);
  }
  return out;
}

Napi::Value SimWrap::GetArray(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "getArray");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  ss_array a = FindArray(env, h, name, "getArray");
  if (DtypeSize(a.dtype) == 0) {
    throw Napi::Error::New(env, "sim.getArray('" + name + "'): unknown dtype " + std::to_string(a.dtype));
  }
  return CopyOut(env, a.dtype, a.data, a.length);
}

// setArray(name, value: TypedArray | number | bigint, force: boolean)
Napi::Value SimWrap::SetArray(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "setArray");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  Napi::Value value = info[1];
  bool force = info[2].ToBoolean().Value();
  ss_array a = FindArray(env, h, name, "setArray");
  std::string where = "sim.setArray('" + name + "')";
  if (!force && (a.flags & SS_ARRAY_SETTABLE) == 0) {
    throw Napi::Error::New(env, where + ": the array is not settable (pass { force: true } to restore a checkpoint)");
  }
  size_t elementSize = DtypeSize(a.dtype);
  if (elementSize == 0) throw Napi::Error::New(env, where + ": unknown dtype " + std::to_string(a.dtype));
  std::string error;
  if (value.IsNumber() || value.IsBigInt()) {
    std::vector<uint8_t> one(elementSize);
    if (!FillScalar(value, a.dtype, one.data(), 1, error)) throw Napi::TypeError::New(env, where + ": " + error);
    auto *target = static_cast<uint8_t *>(a.data);
    for (int64_t i = 0; i < a.length; ++i) std::memcpy(target + i * elementSize, one.data(), elementSize);
    return env.Undefined();
  }
  if (!value.IsTypedArray()) {
    throw Napi::TypeError::New(env, where + ": expected a typed array, a number or a bigint");
  }
  TypedArrayView view = ViewOf(value.As<Napi::TypedArray>());
  if (static_cast<int64_t>(view.length) != a.length) {
    throw Napi::RangeError::New(env, where + ": expected " + std::to_string(a.length) + " values of " +
                                         DtypeName(a.dtype) + " (or a scalar), got " + std::to_string(view.length));
  }
  int32_t sourceDtype;
  if (DtypeOfTypedArray(view.type, sourceDtype) && sourceDtype == a.dtype) {
    if (a.length > 0) std::memcpy(a.data, view.data, static_cast<size_t>(a.length) * elementSize);
    return env.Undefined();
  }
  // Convert into scratch memory first so a failed conversion leaves the array untouched.
  std::vector<uint8_t> scratch(static_cast<size_t>(a.length) * elementSize);
  if (!ConvertInto(view, a.dtype, scratch.data(), error)) {
    throw Napi::TypeError::New(env, where + " (" + DtypeName(a.dtype) + "): " + error);
  }
  if (!scratch.empty()) std::memcpy(a.data, scratch.data(), scratch.size());
  return env.Undefined();
}

Napi::Value SimWrap::SetThreads(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "setThreads");
  int32_t n = info[0].As<Napi::Number>().Int32Value();
  int32_t rc = h.lib->set_threads(h.sim, n);
  if (rc != 0) {
    throw Napi::Error::New(env, "sim.setThreads(" + std::to_string(n) + "): kernel refused with code " + std::to_string(rc));
  }
  return env.Undefined();
}

Napi::Value SimWrap::CurrentStep(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "currentStep");
  return Napi::Number::New(env, static_cast<double>(h.lib->current_step(h.sim)));
}

Napi::Value SimWrap::SetCurrentStep(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "setCurrentStep");
  h.lib->set_current_step(h.sim, info[0].As<Napi::Number>().Int64Value());
  return env.Undefined();
}

Napi::Value SimWrap::SetProfiling(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "setProfiling");
  h.lib->profile_enable(h.sim, info[0].As<Napi::Boolean>().Value() ? 1 : 0);
  return env.Undefined();
}

// [{ name, seconds }] in step order.
Napi::Value SimWrap::Profile(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "profile");
  const int64_t n = h.lib->profile_count(h.sim);
  Napi::Array out = Napi::Array::New(env, size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    const char *name = nullptr;
    double seconds = 0;
    h.lib->profile_at(h.sim, i, &name, &seconds);
    Napi::Object block = Napi::Object::New(env);
    block.Set("name", Napi::String::New(env, name));
    block.Set("seconds", Napi::Number::New(env, seconds));
    out.Set(uint32_t(i), block);
  }
  return out;
}

Napi::Value SimWrap::ResetProfile(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  SimHandle &h = Live(env, "resetProfile");
  h.lib->profile_reset(h.sim);
  return env.Undefined();
}

// run(steps, progressEvery, stopMode, stopPopulations: Int32Array | null, onProgress: Function | null,
//     startCancelled: boolean) → Promise
Napi::Value SimWrap::Run(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!handle_) throw Napi::Error::New(env, "sim.run: the sim has been destroyed");
  if (handle_->running) {
    throw Napi::Error::New(env, "sim.run: a run is already in progress on this sim; await it before starting another");
  }
  RunOptions options;
  options.steps = info[0].As<Napi::Number>().Int64Value();
  options.progressEvery = info[1].As<Napi::Number>().Int64Value();
  options.stopMode = info[2].As<Napi::Number>().Int32Value();
  if (info[3].IsTypedArray()) {
    auto populations = info[3].As<Napi::Int32Array>();
    options.stopPopulations.assign(populations.Data(), populations.Data() + populations.ElementLength());
  }
  Napi::Function onProgress = info[4].IsFunction() ? info[4].As<Napi::Function>() : Napi::Function();

  // The flag is set before the task is queued: an already aborted signal must run no step.
  if (info[5].ToBoolean().Value()) {
    handle_->RequestCancel();
  } else {
    handle_->ClearCancel();
  }
  auto *task = new RunTask(env, handle_, std::move(options), Value(), onProgress);
  Napi::Promise promise = task->Promise();
  handle_->SetRunning(true);
  task->Queue();
  return promise;
}

Napi::Value SimWrap::Cancel(const Napi::CallbackInfo &info) {
  if (handle_) handle_->RequestCancel();
  return info.Env().Undefined();
}

Napi::Value SimWrap::Destroy(const Napi::CallbackInfo &info) {
  if (handle_) {
    // During a run the task still holds the handle: cancel it, and the sim is freed when the
    // run settles. Otherwise this releases the last reference and frees it now.
    if (handle_->running) handle_->RequestCancel();
    handle_.reset();
  }
  return info.Env().Undefined();
}

Napi::Value SimWrap::IsRunning(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(), handle_ && handle_->running);
}

Napi::Value SimWrap::IsDestroyed(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(), !handle_);
}

}  // namespace spikesweep
