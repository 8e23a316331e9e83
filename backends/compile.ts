// The pipeline from a validated NetworkSpec to a running native simulation on one backend:
// IR (structure hash) → checks against the backend → the backend's source → compile cache →
// kernel library → simulation built from the spec's values. Shared by the engine and the Network API.
import { totalmem } from 'node:os';
import { loadKernel, type Kernel, type Sim } from '../native/index.js';
import { buildIR, type NetworkIR } from '../network/ir/ir.js';
import { buildRuntimeValues } from '../network/ir/values.js';
import { SpecError } from '../network/spec/errors.js';
import type { NetworkSpec } from '../network/spec/schema.js';
import { planMemory } from './cuda/plan.js';
import { checkHostCompiler } from './host/toolchain.js';
import { backendFor, checkSpecForBackend, flagIssues } from './index.js';
import type { Backend, BackendName, CudaMode, HostCompiler, KernelBuildOptions, ToolchainInfo } from './types.js';
import { loadUserConfig, userConfigPath } from './user-config.js';

export interface CompileNetworkOptions extends KernelBuildOptions {
  backend?: BackendName;
  /** Where the spec came from, for error messages. */
  file?: string;
  /**
   * The spec's IR, when the caller has it: a sweep's runner builds its network's once and passes it
   * for every run whose parameters are all values (activities/sweep/network.ts), saving the IR and
   * its structure hash per run.
   */
  ir?: NetworkIR;
}

export interface CompiledNetwork {
  ir: NetworkIR;
  backend: BackendName;
  /** The cuda backend's mode; null on the CPU backends. */
  cudaMode: CudaMode | null;
  kernel: Kernel;
  library: string;
  /** Compile-cache key of the library. */
  key: string;
  cacheHit: boolean;
  toolchain: ToolchainInfo;
  timings: { codegenMs: number; compileMs: number };
}

/**
 * Kernels this process has loaded, by backend, structure hash, compiler, flags and cache folder: a runner
 * that runs many runs of one structure (a sweep's run group) generates and looks up its kernel
 * once, not per run. The generated source is a function of the structure (values never reach it:
 * see hashStructure), so a hit is the kernel a fresh compile would return. Bounded, as a process
 * may meet many structures (a sweep over a population's size).
 */
const loaded = new Map<string, Omit<CompiledNetwork, 'ir' | 'cacheHit' | 'timings'>>();
const LOADED_KERNELS = 8;

export async function compileNetwork(spec: NetworkSpec, opts: CompileNetworkOptions = {}): Promise<CompiledNetwork> {
  const backend = backendFor(opts.backend);
  const started = performance.now();
  const ir = opts.ir ?? buildIR(spec);
  const issues = checkSpecForBackend(spec, backend, ir);
  if (issues.length) throw new SpecError(opts.file ?? `network '${spec.name}'`, issues);
  const cudaMode = checkCudaMode(backend.name, opts.cudaMode);
  const { compiler, flags } = hostTools(backend, spec, opts);
  const memo = JSON.stringify([backend.name, cudaMode, ir.structureHash, compiler ?? null, flags ?? null, opts.directory ?? null]);
  const hit = opts.clean ? undefined : loaded.get(memo);
  if (hit) {
    loaded.delete(memo);
    loaded.set(memo, hit);
    return { ...hit, ir, cacheHit: true, timings: { codegenMs: performance.now() - started, compileMs: 0 } };
  }
  const source = backend.generate(ir, cudaMode ?? undefined);
  const codegenMs = performance.now() - started;
  const compiled = await backend.compile(source, { directory: opts.directory, clean: opts.clean, flags, compiler, cudaMode: cudaMode ?? undefined });
  const kernel = { backend: backend.name, cudaMode, kernel: loadKernel(compiled.library), library: compiled.library, key: compiled.key, toolchain: compiled.toolchain };
  loaded.set(memo, kernel);
  if (loaded.size > LOADED_KERNELS) loaded.delete(loaded.keys().next().value!);
  return { ...kernel, ir, cacheHit: compiled.cacheHit, timings: { codegenMs, compileMs: compiled.compileMs } };
}

/**
 * The host compiler and tuning flags of a build, each from the first that gives it: the options
 * (the CLI, compile()), the spec, the user configuration (on the CPU backends: nvcc takes neither),
 * the backend's defaults (undefined here).
 */
function hostTools(backend: Backend, spec: NetworkSpec, opts: CompileNetworkOptions): { compiler?: HostCompiler; flags?: string[] } {
  const user = backend.name === 'cuda' ? {} : loadUserConfig();
  const compiler = opts.compiler ?? spec.compiler ?? user.compiler;
  const wrongCompiler = compiler === undefined ? null : checkHostCompiler(compiler);
  if (wrongCompiler) throw new SpecError('the compile options', [{ path: ['compiler'], message: wrongCompiler }], 'compile options');
  const flags = opts.flags ?? spec.compilerFlags;
  if (flags !== undefined || user.compilerFlags === undefined) return { compiler, flags };
  const issues = flagIssues(backend, user.compilerFlags);
  if (issues.length) throw new SpecError(userConfigPath(), issues, 'user configuration');
  return { compiler, flags: user.compilerFlags };
}

// Builds connectivity and initial state natively, then writes the per-neuron arrays the spec gives.
// `device` is the cuda backend's GPU (default 0).
/** The input that hands a cuda simulation its memory plan's bytes per copy. */
export const CUDA_PLAN_INPUT = 'cuda.plan_bytes';

export function createSimulation(compiled: CompiledNetwork, spec: NetworkSpec, opts: { seed: number; threads: number; device?: number }): Sim {
  checkThreads(compiled.backend, opts.threads);
  checkDevice(compiled.backend, opts.device);
  const { values, inputs, arrays } = buildRuntimeValues(spec, compiled.ir);
  // The plan counts the arrays create() allocates, whichever backend. A GPU refuses a network it
  // cannot hold before allocating anything (backends/cuda/runtime/device.hpp): all of it, a batch's
  // copy included, which frees its connectivity only once built (Kernel.share). The CPU refuses one
  // larger than the machine's memory, which could only end in an allocation failure or the OOM killer.
  const plan = planMemory(spec, compiled.ir, 0);
  const needed = plan.bytesPerCopy + plan.sharedBytes;
  if (compiled.backend === 'cuda') inputs[CUDA_PLAN_INPUT] = Float64Array.of(needed);
  else if (needed > totalmem()) {
    const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;
    throw new Error(`network ${spec.name} needs ${gib(needed)} of memory (its state and ${plan.synapses.toLocaleString('en-US')} synapses expected), more than this machine's ${gib(totalmem())}`);
  }
  const sim = compiled.kernel.create({ seed: BigInt(opts.seed), threads: opts.threads, values, inputs, device: opts.device });
  for (const a of arrays) sim.setArray(a.name, a.data);
  return sim;
}

/** Refuses a thread count the backend cannot run (a run option, so no spec field to name). */
export function checkThreads(name: BackendName, threads: number): void {
  const { maxThreads } = backendFor(name);
  if (threads > maxThreads)
    throw new SpecError('the run options', [{ path: ['threads'], message: `the ${name} backend runs on at most ${maxThreads} thread${maxThreads === 1 ? '' : 's'} (got ${threads})` }], 'run options');
}

/** Refuses a GPU for a CPU backend, and a device that is no GPU index. */
export function checkDevice(name: BackendName, device: number | undefined): void {
  if (device === undefined) return;
  const issue = name !== 'cuda' ? `a GPU device is the cuda backend's; the ${name} backend runs on the CPU (leave the device out or choose the cuda backend)`
    : !Number.isSafeInteger(device) || device < 0 ? `expected a GPU index, an integer ≥ 0, got ${device}` : null;
  if (issue) throw new SpecError('the run options', [{ path: ['device'], message: issue }], 'run options');
}

/** The mode a run compiles in: the cuda backend's (default exact), none on the others, which refuse fast. */
function checkCudaMode(name: BackendName, mode: CudaMode | undefined): CudaMode | null {
  if (name === 'cuda') return mode ?? 'exact';
  if (mode === 'fast')
    throw new SpecError('the run options', [{ path: ['cudaMode'], message: `fast mode is the cuda backend's; the ${name} backend is always exact (leave the cuda mode out or choose the cuda backend)` }], 'run options');
  return null;
}
