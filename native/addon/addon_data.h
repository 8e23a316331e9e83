// Per-environment constructors (worker threads each get their own).
#pragma once
#include <napi.h>

namespace spikesweep {

struct AddonData {
  Napi::FunctionReference kernelConstructor;
  Napi::FunctionReference simConstructor;
};

inline AddonData &DataOf(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace spikesweep
