// The Kernel JS object: one loaded library; create() makes sims from it.
#pragma once
#include <napi.h>

#include <memory>
#include <string>

#include "library.h"
#include "sim_handle.h"

namespace spikesweep {

class KernelWrap : public Napi::ObjectWrap<KernelWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  static Napi::Object New(Napi::Env env, std::shared_ptr<KernelLibrary> library);

  explicit KernelWrap(const Napi::CallbackInfo &info);

 private:
  Napi::Value Path(const Napi::CallbackInfo &info);
  Napi::Value AbiVersion(const Napi::CallbackInfo &info);
  Napi::Value StructureHash(const Napi::CallbackInfo &info);
  Napi::Value Create(const Napi::CallbackInfo &info);
  Napi::Value Join(const Napi::CallbackInfo &info);
  Napi::Value Share(const Napi::CallbackInfo &info);
  std::shared_ptr<SimHandle> CopyOf(Napi::Env env, Napi::Value item, const std::string &where);

  std::shared_ptr<KernelLibrary> library_;
};

// loadKernel(path: string) → Kernel; throws on a missing file, a missing symbol or a wrong ABI version.
Napi::Value LoadKernel(const Napi::CallbackInfo &info);

}  // namespace spikesweep
