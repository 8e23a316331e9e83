// The cuda backend: each phase of a step a kernel over neurons, targets or rows, from the same
// model math as the CPU backends, in exact mode (the CPU's bits) or, asked for, fast mode (float
// atomics, fast math: statistically equivalent). Without a GPU it refuses to
// run with one sentence, unless emulated (SPIKESWEEP_CUDA_EMULATE) for tests
// (backends/README.md, "cuda").
import { CompileError } from '../cache.js';
import { FEATURES, type Backend, type Feature } from '../types.js';
import { generateCudaSource } from './schedule.js';
import { compileForGpu, cudaUnavailable, emulated, emulation } from './toolchain.js';

// One host thread drives the device, so config.numThreads means nothing here.
const MISSING: Feature[] = ['threads'];

export const cuda: Backend = {
  name: 'cuda',
  summary: 'NVIDIA GPU, a kernel per phase of the step, exact mode (the CPU backends\' bits) or fast mode',
  features: new Set((Object.keys(FEATURES) as Feature[]).filter((f) => !MISSING.includes(f))),
  maxThreads: 1,
  checkFlags: (flags) => (flags.length ? [`the cuda backend takes no compiler flags (got ${flags.join(' ')})`] : []),
  generate: generateCudaSource,
  compile: async (source, opts) => {
    const unavailable = cudaUnavailable();
    if (unavailable) throw new CompileError(unavailable, '');
    return emulated() ? emulation.compile(source, opts) : compileForGpu(source, opts);
  },
};
