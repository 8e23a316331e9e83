// The serial backend: the reference schedule on one thread with no threading library (as GeNN
// keeps single_threaded_cpu): every phase of a step over all its elements, in order. Its results
// equal the OpenMP backend's bit for bit, which the tests check for every example.
import { generateSerialSource } from './schedule.js';
import { checkHostFlags, HostToolchain } from '../host/toolchain.js';
import { backendRuntimeDir } from '../paths.js';
import { FEATURES, type Backend, type Feature } from '../types.js';

// The same tuning as the OpenMP backend's: the reference must run the same arithmetic.
const toolchain = new HostToolchain({
  backend: 'serial', requiredFlags: ['-fPIC', '-std=c++17', '-ffp-contract=off'], runtimeDir: backendRuntimeDir('serial'),
});

export const serial: Backend = {
  name: 'serial',
  summary: 'CPU, one thread, no threading library: the reference schedule',
  features: new Set((Object.keys(FEATURES) as Feature[]).filter((f) => f !== 'threads')),
  maxThreads: 1,
  checkFlags: checkHostFlags,
  generate: generateSerialSource,
  compile: (source, opts) => toolchain.compile(source, opts),
};
