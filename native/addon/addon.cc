// Module entry: registers loadKernel and the Kernel / Sim classes.
#include <napi.h>

#include "addon_data.h"
#include "kernel_wrap.h"
#include "sim_wrap.h"

namespace spikesweep {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto *data = new AddonData();
  Napi::Function kernel = KernelWrap::Define(env);
  Napi::Function sim = SimWrap::Define(env);
  data->kernelConstructor = Napi::Persistent(kernel);
  data->simConstructor = Napi::Persistent(sim);
  data->token = Napi::Persistent(Napi::Object::New(env));
  env.SetInstanceData<AddonData>(data);

  exports.Set("loadKernel", Napi::Function::New<LoadKernel>(env, "loadKernel"));
  exports.Set("Kernel", kernel);
  exports.Set("Sim", sim);
  exports.Set("abiVersion", Napi::Number::New(env, SS_ABI_VERSION));
  return exports;
}

}  // namespace spikesweep

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return spikesweep::Init(env, exports); }

NODE_API_MODULE(spikesweep_native, InitModule)
