// How the cuda backend's spike stage (runtime/spike_stage.hpp) cuts a population into chunks: a
// thread per chunk counts and writes its spikes, and one block of SCAN_PARTS threads turns the
// counts into places. The generated code and the resident schedule's shared-memory layout both
// take the sizes from here.

/** The prefix sum's parts, one per thread of its block: the runtime's ss::kScanParts (checked by a static_assert in the generated code). */
export const SCAN_PARTS = 64;

/** Neurons per chunk: a warp's worth at least, and at most 1024 chunks, so each part has 16 at most. */
export const spikeChunkLen = (n: number): number => (n > 32 * 1024 ? Math.ceil(n / 1024) : 32);

export const spikeChunks = (n: number): number => Math.ceil(n / spikeChunkLen(n));
