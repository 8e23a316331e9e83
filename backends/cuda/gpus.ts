// GPUs a cuda memory plan can be made for by name (`spikesweep run --backend cuda --plan --gpu
// <model>`): what decides how many copies a batch holds and which schedule it runs. Shared memory
// per SM and per block, by compute capability, from NVIDIA's CUDA C++ Programming Guide
// ("Technical Specifications per Compute Capability": 8.0 164/163 KB, 8.9 100/99 KB, 9.0 228/227
// KB; 1 KB reserved per block by the system); SM counts and memory from NVIDIA's product pages
// (H100 SXM5 132 SMs, A100 108, L40S 142). The memory is the nominal size: --device-memory gives
// what is free. The kernels are built for sm_80 and sm_90 (an L40S, 8.9, runs the sm_80 code).

export interface GpuModel {
  /** As the plan prints it. */
  name: string;
  memoryGiB: number;
  sms: number;
  /** Shared memory of one SM, and the most one block may take (cudaDevAttrMaxSharedMemoryPerBlockOptin). */
  sharedPerSm: number;
  sharedPerBlock: number;
}

/** Shared memory CUDA reserves for itself in every block (cudaDevAttrReservedSharedMemoryPerBlock). */
export const RESERVED_SHARED_PER_BLOCK = 1024;

const KB = 1024;
export const GPU_MODELS = {
  h100: { name: 'H100 SXM 80 GB', memoryGiB: 80, sms: 132, sharedPerSm: 228 * KB, sharedPerBlock: 227 * KB },
  h200: { name: 'H200 141 GB', memoryGiB: 141, sms: 132, sharedPerSm: 228 * KB, sharedPerBlock: 227 * KB },
  'a100-80gb': { name: 'A100 80 GB', memoryGiB: 80, sms: 108, sharedPerSm: 164 * KB, sharedPerBlock: 163 * KB },
  'a100-40gb': { name: 'A100 40 GB', memoryGiB: 40, sms: 108, sharedPerSm: 164 * KB, sharedPerBlock: 163 * KB },
  l40s: { name: 'L40S 48 GB', memoryGiB: 48, sms: 142, sharedPerSm: 100 * KB, sharedPerBlock: 99 * KB },
} as const satisfies Record<string, GpuModel>;

export type GpuModelName = keyof typeof GPU_MODELS;
export const GPU_MODEL_NAMES = Object.keys(GPU_MODELS) as GpuModelName[];

/** The device a plan assumes unless told: the GPU the project's deployment and device checks target. */
export const DEFAULT_GPU: GpuModel = GPU_MODELS.h100;

export const isGpuModelName = (name: string): name is GpuModelName => Object.hasOwn(GPU_MODELS, name);

/**
 * Resident blocks one SM of `gpu` holds for a copy taking `bytes` of shared memory: two where two
 * fit (with 128 registers a thread, two blocks of 256 threads fill an SM's 65,536 registers), one
 * where one does, else none (runtime/resident.hpp asks CUDA's occupancy calculator the same).
 */
export function residentBlocksPerSm(gpu: GpuModel, bytes: number): 0 | 1 | 2 {
  if (bytes > gpu.sharedPerBlock) return 0;
  return 2 * (bytes + RESERVED_SHARED_PER_BLOCK) <= gpu.sharedPerSm ? 2 : 1;
}
