// The seam between the engine and the backends: what a backend is (its name, what it runs, the
// code it emits, its toolchain) and what a compiled network records about the one that built it.
import type { NetworkIR } from '../network/ir/ir.js';
import type { SpecIssue } from '../network/spec/errors.js';
import { HOST_COMPILERS, type NetworkSpec } from '../network/spec/schema.js';

export const BACKEND_NAMES = ['openmp', 'serial', 'cuda'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The host C++ compilers the CPU backends (and the cuda emulation) build with; g++ by default. */
export { HOST_COMPILERS };
export type HostCompiler = (typeof HOST_COMPILERS)[number];
export const DEFAULT_HOST_COMPILER: HostCompiler = 'g++';

/**
 * How the cuda backend rounds: exact (the default) gives the CPU backends' bits; fast (float
 * atomics, fast math) promises only statistically equivalent runs (backends/README.md, "cuda").
 */
export const CUDA_MODES = ['exact', 'fast'] as const;
export type CudaMode = (typeof CUDA_MODES)[number];

/** What a network may use that a backend may or may not run (the docs' feature matrix). */
export const FEATURES = {
  threads: 'more than one thread per simulation (config.numThreads, --threads)',
  userEquations: 'neuron and synapse models written as equations',
  randomDraws: 'Uniform/Normal draws inside equations',
  refractory: 'refractory periods',
  uniformDelays: 'one axonal delay per projection',
  synapseDelays: 'a delay per synapse',
  plasticity: 'synaptic equations and pre/post-spike learning rules (STDP)',
  continuousPsp: 'continuous transmission (psp)',
  spikeSources: 'SpikeSourceArray populations',
  stopConditions: 'population stop conditions (simulateUntil)',
  connectors: 'every connector (allToAll … fromSparse)',
  checkpoints: 'checkpoints and exact resume',
} as const;
export type Feature = keyof typeof FEATURES;

/** The toolchain that built a kernel, as manifests record it. */
export interface ToolchainInfo {
  backend: BackendName;
  /** The compiler command. */
  compiler: string;
  /** Its `--version` line. */
  compilerVersion: string;
  /** Flags that tune code generation: the user's, or the backend's defaults. */
  flags: string[];
  /** Flags the backend always adds. */
  requiredFlags: string[];
}

export interface KernelBuildOptions {
  /** Cache folder (default: ~/.cache/spikesweep/kernels or SPIKESWEEP_CACHE_DIR). */
  directory?: string;
  /** Rebuild even when the cache holds the library. */
  clean?: boolean;
  /** Tuning flags replacing the backend's defaults. */
  flags?: string[];
  /** The host compiler (default g++); nvcc builds real cuda kernels whatever this says. */
  compiler?: HostCompiler;
  /** The cuda backend's mode (default exact); the CPU backends are always exact. */
  cudaMode?: CudaMode;
}

export interface CompiledKernel {
  library: string;
  /** Content-addressed key of the library in the cache. */
  key: string;
  cacheHit: boolean;
  compileMs: number;
  toolchain: ToolchainInfo;
}

export interface Backend {
  readonly name: BackendName;
  /** One line for people: how it schedules a step. */
  readonly summary: string;
  readonly features: ReadonlySet<Feature>;
  /** The most threads one simulation can use here. */
  readonly maxThreads: number;
  /** Problems with tuning flags, one message each (the spec's compilerFlags, compile({ compilerFlags })). */
  checkFlags(flags: string[]): string[];
  /** The kernel's source: the IR's model math wrapped in this backend's schedule. */
  generate(ir: NetworkIR, cudaMode?: CudaMode): string;
  /** Compiles a generated source through the content-addressed cache. */
  compile(source: string, opts?: KernelBuildOptions): Promise<CompiledKernel>;
}

/** A spec checked against one backend: the features it uses that the backend lacks, bad flags. */
export type BackendCheck = (spec: NetworkSpec, backend: Backend) => SpecIssue[];
