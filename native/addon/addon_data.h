// Per-environment state (each Node worker_threads thread gets its own): the class constructors, and the
// hand-off used to give a new Kernel / Sim JS object its native part. The constructors accept only
// `token`, which JS never sees, so JS cannot forge a Kernel or a Sim.
#pragma once
#include <napi.h>

#include <memory>

namespace spikesweep {

struct KernelLibrary;
struct SimHandle;

struct AddonData {
  Napi::FunctionReference kernelConstructor;
  Napi::FunctionReference simConstructor;
  Napi::ObjectReference token;
  std::shared_ptr<KernelLibrary> pendingKernel;  // set just around kernelConstructor.New
  std::shared_ptr<SimHandle> pendingSim;         // set just around simConstructor.New
};

inline AddonData &DataOf(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace spikesweep
