// The cuda backend's arrays: CUDA managed memory, so kernels and the host's serial phases share
// one address for every array (store.hpp). Emulated, plain host memory.
#pragma once
#include <cstddef>
#include <new>

#ifdef SPIKESWEEP_CUDA_EMULATE
namespace ss {
inline void *array_alloc(size_t bytes, size_t alignment) { return ::operator new(bytes, std::align_val_t(alignment)); }
inline void array_free(void *p, size_t alignment) { ::operator delete(p, std::align_val_t(alignment)); }
}  // namespace ss
#else
#include <cuda_runtime_api.h>
#include <stdexcept>
#include <string>
namespace ss {
// cudaMallocManaged aligns to 256 bytes, more than any array asks for.
inline void *array_alloc(size_t bytes, size_t) {
  void *p = nullptr;
  const cudaError_t status = cudaMallocManaged(&p, bytes);
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("the cuda backend cannot allocate GPU memory: ") + cudaGetErrorString(status));
  return p;
}
inline void array_free(void *p, size_t) { cudaFree(p); }
}  // namespace ss
#endif
