// The GPU a cuda simulation runs on (ss_create_args.device: --device, cudaDevice). The CUDA
// runtime's current device belongs to a host thread, and a sim is created on one thread and run on
// another (the addon's run thread), so the sim selects its device before it allocates and before
// every run. Emulated, any index is accepted: there is no device to choose.
#pragma once
#include <cstdio>
#include <stdexcept>
#include <string>

#include "spikesweep_abi.h"
#ifndef SPIKESWEEP_CUDA_EMULATE
#include <cuda_runtime_api.h>
#endif

namespace ss {

inline void select_device(int device) {
  if (device < 0) throw std::runtime_error("the cuda device must be a GPU index >= 0, got " + std::to_string(device));
#ifndef SPIKESWEEP_CUDA_EMULATE
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) count = 0;
  if (device >= count)
    throw std::runtime_error("the cuda device " + std::to_string(device) + " does not exist: this machine has " + std::to_string(count) +
                             " GPU" + (count == 1 ? "" : "s") + (count > 0 ? " (device 0 to " + std::to_string(count - 1) + ")" : ""));
  const cudaError_t status = cudaSetDevice(device);
  if (status != cudaSuccess) throw std::runtime_error("the cuda backend cannot use GPU " + std::to_string(device) + ": " + cudaGetErrorString(status));
#endif
}

// Refuses a network the device cannot hold, before anything is allocated: `plan` is the memory
// plan's bytes per copy (backends/cuda/plan.ts, input "cuda.plan_bytes"). Managed memory would
// otherwise oversubscribe the GPU and page instead of failing. Emulated, there is no device.
inline void check_device_memory(const ss_input *plan, int device) {
#ifndef SPIKESWEEP_CUDA_EMULATE
  if (plan == nullptr || plan->length < 1) return;
  const double needed = static_cast<const double *>(plan->data)[0];
  size_t free = 0, total = 0;
  if (cudaMemGetInfo(&free, &total) != cudaSuccess || needed <= double(free)) return;
  const auto mib = [](double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", bytes / 1048576.0);
    return std::string(text);
  };
  throw std::runtime_error("the network needs " + mib(needed) + " of GPU memory (spikesweep run --backend cuda --plan shows where) and GPU " +
                           std::to_string(device) + " has " + mib(double(free)) + " free of " + mib(double(total)));
#else
  (void)plan;
  (void)device;
#endif
}

}  // namespace ss
