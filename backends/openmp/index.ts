// The OpenMP backend: one team of threads per run, neuron updates in chunks shared between them,
// deliveries split by target where a projection allows it (backends/README.md, "openmp").
import { generateOpenmpSource } from './schedule.js';
import { checkHostFlags, HostToolchain } from '../host/toolchain.js';
import { backendRuntimeDir } from '../paths.js';
import { FEATURES, type Backend, type Feature } from '../types.js';

export const toolchain = new HostToolchain({
  backend: 'openmp', requiredFlags: ['-fopenmp', '-fPIC', '-std=c++17', '-ffp-contract=off'], runtimeDir: backendRuntimeDir('openmp'),
});

export const openmp: Backend = {
  name: 'openmp',
  summary: 'CPU, one OpenMP team per run; every thread count gives the same bits',
  features: new Set(Object.keys(FEATURES) as Feature[]),
  maxThreads: Number.POSITIVE_INFINITY,
  checkFlags: checkHostFlags,
  generate: generateOpenmpSource,
  compile: (source, opts) => toolchain.compile(source, opts),
};
