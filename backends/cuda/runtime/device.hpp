// The GPU a cuda simulation runs on (ss_create_args.device: --device, cudaDevice). The CUDA
// runtime's current device belongs to a host thread, and a sim is created on one thread and run on
// another (the addon's run thread), so the sim selects its device before it allocates and before
// every run. Emulated, any index is accepted: there is no device to choose.
#pragma once
#include <stdexcept>
#include <string>
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

}  // namespace ss
