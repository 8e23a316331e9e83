// The Sim JS object: a thin wrapper over one SimHandle. Every method checks the sim is alive and
// not running, then makes one ss_* call and copies data across the boundary.
#pragma once
#include <napi.h>

#include <memory>

#include "sim_handle.h"

namespace spikesweep {

class SimWrap : public Napi::ObjectWrap<SimWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps a freshly created sim in a new JS object.
  static Napi::Object New(Napi::Env env, std::shared_ptr<SimHandle> handle);

  explicit SimWrap(const Napi::CallbackInfo &info);

  // The handle of a live sim object (null once destroyed), for a batch to hold.
  const std::shared_ptr<SimHandle> &Handle() const { return handle_; }

 private:
  // The live handle; throws a clear error after destroy(), or while a run is in flight (`what`
  // names the refused call).
  SimHandle &Live(Napi::Env env, const char *what);
  // Finds an array by name; throws naming the array when it does not exist.
  ss_array FindArray(Napi::Env env, SimHandle &h, const std::string &name, const char *what);

  Napi::Value Arrays(const Napi::CallbackInfo &info);
  Napi::Value GetArray(const Napi::CallbackInfo &info);
  Napi::Value SetArray(const Napi::CallbackInfo &info);
  Napi::Value SetThreads(const Napi::CallbackInfo &info);
  Napi::Value CurrentStep(const Napi::CallbackInfo &info);
  Napi::Value SetCurrentStep(const Napi::CallbackInfo &info);
  Napi::Value Run(const Napi::CallbackInfo &info);
  Napi::Value Cancel(const Napi::CallbackInfo &info);
  Napi::Value AddMonitor(const Napi::CallbackInfo &info);
  Napi::Value SetMonitorActive(const Napi::CallbackInfo &info);
  Napi::Value TakeMonitor(const Napi::CallbackInfo &info);
  Napi::Value SetProfiling(const Napi::CallbackInfo &info);
  Napi::Value Profile(const Napi::CallbackInfo &info);
  Napi::Value ResetProfile(const Napi::CallbackInfo &info);
  Napi::Value Destroy(const Napi::CallbackInfo &info);
  Napi::Value IsRunning(const Napi::CallbackInfo &info);
  Napi::Value IsDestroyed(const Napi::CallbackInfo &info);

  std::shared_ptr<SimHandle> handle_;
};

}  // namespace spikesweep
