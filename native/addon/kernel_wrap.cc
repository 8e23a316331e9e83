#include "kernel_wrap.h"

#include <string>
#include <vector>

#include "addon_data.h"
#include "conversions.h"
#include "sim_handle.h"
#include "sim_wrap.h"

namespace spikesweep {

Napi::Function KernelWrap::Define(Napi::Env env) {
  return DefineClass(env, "Kernel",
                     {
                         InstanceAccessor<&KernelWrap::Path>("path"),
                         InstanceAccessor<&KernelWrap::AbiVersion>("abiVersion"),
                         InstanceAccessor<&KernelWrap::StructureHash>("structureHash"),
                         InstanceMethod<&KernelWrap::Create>("create"),
                         InstanceMethod<&KernelWrap::Join>("join"),
                         InstanceMethod<&KernelWrap::Share>("share"),
                     });
}

Napi::Object KernelWrap::New(Napi::Env env, std::shared_ptr<KernelLibrary> library) {
  AddonData &data = DataOf(env);
  data.pendingKernel = std::move(library);
  Napi::Object kernel = data.kernelConstructor.New({data.token.Value()});
  data.pendingKernel.reset();  // normally moved out by the constructor already
  return kernel;
}

KernelWrap::KernelWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<KernelWrap>(info) {
  AddonData &data = DataOf(info.Env());
  if (info.Length() != 1 || !info[0].StrictEquals(data.token.Value()) || !data.pendingKernel) {
    throw Napi::TypeError::New(info.Env(), "Kernel objects are made by loadKernel(), not constructed directly");
  }
  library_ = std::move(data.pendingKernel);
}

Napi::Value KernelWrap::Path(const Napi::CallbackInfo &info) { return Napi::String::New(info.Env(), library_->path); }

Napi::Value KernelWrap::AbiVersion(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), library_->abiVersion);
}

Napi::Value KernelWrap::StructureHash(const Napi::CallbackInfo &info) {
  return Napi::String::New(info.Env(), library_->structureHash);
}

// create(seed: bigint, threads: number, values: Float64Array, inputs: Record<string, TypedArray>, device: number) → Sim
Napi::Value KernelWrap::Create(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  bool lossless = false;
  uint64_t seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) throw Napi::RangeError::New(env, "kernel.create: seed must be a bigint in [0, 2^64)");
  int32_t threads = info[1].As<Napi::Number>().Int32Value();
  Napi::Float64Array values = info[2].As<Napi::Float64Array>();
  Napi::Object inputsObject = info[3].As<Napi::Object>();
  int32_t device = info[4].As<Napi::Number>().Int32Value();

  // Names and views live until ss_create returns (it must copy what it keeps).
  Napi::Array names = inputsObject.GetPropertyNames();
  std::vector<std::string> inputNames(names.Length());
  std::vector<ss_input> inputs(names.Length());
  for (uint32_t i = 0; i < names.Length(); ++i) {
    inputNames[i] = names.Get(i).ToString().Utf8Value();
    Napi::Value value = inputsObject.Get(inputNames[i]);
    int32_t dtype;
    if (!value.IsTypedArray() || !DtypeOfTypedArray(value.As<Napi::TypedArray>().TypedArrayType(), dtype)) {
      throw Napi::TypeError::New(env, "kernel.create: input '" + inputNames[i] +
                                          "' must be a Float64Array, Float32Array, Int32Array, BigInt64Array, "
                                          "Uint16Array or Uint8Array");
    }
    TypedArrayView view = ViewOf(value.As<Napi::TypedArray>());
    inputs[i] = ss_input{nullptr, dtype, static_cast<int64_t>(view.length), view.data};
  }
  for (size_t i = 0; i < inputs.size(); ++i) inputs[i].name = inputNames[i].c_str();

  ss_create_args args{};
  args.seed = seed;
  args.num_threads = threads;
  args.device = device;
  args.values = values.ElementLength() > 0 ? values.Data() : nullptr;
  args.num_values = static_cast<int64_t>(values.ElementLength());
  args.inputs = inputs.empty() ? nullptr : inputs.data();
  args.num_inputs = static_cast<int64_t>(inputs.size());

  char err[2048];
  err[0] = '\0';
  ss_sim *sim = library_->create(&args, err, sizeof err);
  err[sizeof err - 1] = '\0';
  if (sim == nullptr) {
    throw Napi::Error::New(env, "kernel.create failed (" + library_->path + "): " +
                                    (err[0] != '\0' ? std::string(err) : "ss_create returned NULL without a message"));
  }
  return SimWrap::New(env, std::make_shared<SimHandle>(library_, sim));
}

// A sim this kernel created, alive and idle, to be a batch's copy (`where` names it in errors).
std::shared_ptr<SimHandle> KernelWrap::CopyOf(Napi::Env env, Napi::Value item, const std::string &where) {
  if (!item.IsObject() || !item.As<Napi::Object>().InstanceOf(DataOf(env).simConstructor.Value()))
    throw Napi::TypeError::New(env, where + " is not a sim");
  const std::shared_ptr<SimHandle> &handle = SimWrap::Unwrap(item.As<Napi::Object>())->Handle();
  if (!handle) throw Napi::Error::New(env, where + " has been destroyed");
  if (handle->running) throw Napi::Error::New(env, where + " is running");
  if (!handle->copies.empty()) throw Napi::Error::New(env, where + " is a batch, not a sim");
  if (handle->lib != library_) throw Napi::Error::New(env, where + " was created by another kernel (" + handle->lib->path + ")");
  return handle;
}

// join(copies: Sim[]) → Sim: a batch of sims this kernel created, run together (ss_join).
Napi::Value KernelWrap::Join(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "kernel.join: copies must be an array of sims");
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<std::shared_ptr<SimHandle>> copies;
  std::vector<ss_sim *> sims;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    copies.push_back(CopyOf(env, list.Get(i), "kernel.join: copy " + std::to_string(i)));
    sims.push_back(copies.back()->sim);
  }
  char err[2048];
  err[0] = '\0';
  ss_sim *batch = library_->join(sims.data(), int64_t(sims.size()), err, sizeof err);
  err[sizeof err - 1] = '\0';
  if (batch == nullptr) throw Napi::Error::New(env, "kernel.join failed (" + library_->path + "): " + std::string(err));
  auto handle = std::make_shared<SimHandle>(library_, batch);
  handle->copies = std::move(copies);
  return SimWrap::New(env, std::move(handle));
}

// share(copy: Sim, first: Sim) → number: `copy` reads `first`'s read-only arrays where they hold
// the same values (ss_share); the bytes it now reads from another copy.
Napi::Value KernelWrap::Share(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2) throw Napi::TypeError::New(env, "kernel.share(copy, first): two sims expected");
  const std::shared_ptr<SimHandle> copy = CopyOf(env, info[0], "kernel.share: copy");
  const std::shared_ptr<SimHandle> first = CopyOf(env, info[1], "kernel.share: first");
  if (copy == first) throw Napi::Error::New(env, "kernel.share: a sim cannot share with itself");
  return Napi::Number::New(env, double(library_->share(copy->sim, first->sim)));
}

Napi::Value LoadKernel(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "loadKernel(path): path must be a string");
  std::string error;
  std::shared_ptr<KernelLibrary> library = LoadKernelLibrary(info[0].As<Napi::String>().Utf8Value(), error);
  if (!library) throw Napi::Error::New(env, error);
  return KernelWrap::New(env, std::move(library));
}

}  // namespace spikesweep
