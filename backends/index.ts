// The backends a network can be compiled for, by name, and the checks of a spec against one.
import { buildIR, type NetworkIR } from '../network/ir/ir.js';
import type { SpecIssue } from '../network/spec/errors.js';
import type { NetworkSpec } from '../network/spec/schema.js';
import { cuda } from './cuda/index.js';
import { featuresUsed } from './features.js';
import { openmp } from './openmp/index.js';
import { serial } from './serial/index.js';
import { BACKEND_NAMES, FEATURES, type Backend, type BackendName } from './types.js';

const BACKENDS: Record<BackendName, Backend> = { openmp, serial, cuda };

export const DEFAULT_BACKEND: BackendName = 'openmp';

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

export function backendFor(name: BackendName = DEFAULT_BACKEND): Backend {
  const backend = BACKENDS[name];
  if (!backend) throw new Error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
  return backend;
}

/** What `spec` uses that `backend` cannot run, and flags its toolchain refuses, each at its field. */
export function checkSpecForBackend(spec: NetworkSpec, backend: Backend, ir: NetworkIR = buildIR(spec)): SpecIssue[] {
  const issues: SpecIssue[] = featuresUsed(spec, ir)
    .filter((u) => !backend.features.has(u.feature))
    .map((u) => ({ path: u.path, message: `the ${backend.name} backend does not support ${FEATURES[u.feature]}` }));
  issues.push(...flagIssues(backend, spec.compilerFlags ?? []));
  return issues;
}

/** The tuning flags `backend` refuses, each at its own index of compilerFlags. */
export function flagIssues(backend: Backend, flags: string[]): SpecIssue[] {
  return flags.flatMap((flag, k) => backend.checkFlags([flag]).map((message) => ({ path: ['compilerFlags', k], message })));
}

export { checkDevice, checkThreads, compileNetwork, createSimulation, type CompiledNetwork, type CompileNetworkOptions } from './compile.js';
export { CompileError } from './cache.js';
export { BACKEND_NAMES, CUDA_MODES, FEATURES, HOST_COMPILERS, type Backend, type BackendName, type CudaMode, type Feature, type HostCompiler, type ToolchainInfo } from './types.js';
export { loadUserConfig, userConfigPath, type UserConfig } from './user-config.js';
