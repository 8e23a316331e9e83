// The spikesweep native binding: the one place that declares what the compiled addon
// (native/build/Release/spikesweep_native.node) exposes, plus thin typed wrappers that validate
// options and fill defaults before calling it (the C++ side trusts what it receives).
//
// The addon is generic: it dlopens a generated kernel library (spikesweep_abi.h), creates sims
// from it, and moves typed arrays across. It knows nothing of neuron models, Parquet or Temporal.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Data types
// ---------------------------------------------------------------------------------------------

/** Element type of a sim array (enum ss_dtype). */
export type Dtype = 'f64' | 'f32' | 'i32' | 'i64' | 'u16' | 'u8';

/** The typed array each dtype is copied out as (i64 ⇒ BigInt64Array). */
export interface DtypeArrays {
  f64: Float64Array;
  f32: Float32Array;
  i32: Int32Array;
  i64: BigInt64Array;
  u16: Uint16Array;
  u8: Uint8Array;
}

/** A typed array of one of the six sim dtypes. */
export type SimTypedArray = DtypeArrays[Dtype];

/** Any typed array setArray accepts (converted element by element, losslessly). */
export type AnyTypedArray =
  | SimTypedArray
  | Int8Array
  | Int16Array
  | Uint32Array
  | Uint8ClampedArray
  | BigUint64Array;

/** One entry of the sim's array table. */
export interface ArrayInfo {
  name: string;
  dtype: Dtype;
  length: number;
  /** Evolves during simulation; part of a checkpoint. */
  state: boolean;
  /** The user may overwrite it between runs. */
  settable: boolean;
  /** One element per synapse of a projection. */
  synaptic: boolean;
  /** Read-only and held once for copies of a batch: this sim reads another copy's (Kernel.share). */
  shared: boolean;
}

export interface CreateOptions {
  /** Unsigned 64-bit seed. */
  seed: bigint;
  /** Threads the kernel may use (≥ 1). */
  threads: number;
  /** Build-time values, layout chosen by the code generator. */
  values: Float64Array;
  /** Named inputs (e.g. "<projection>.sparse_pre"); copied by the kernel during create. */
  inputs: Record<string, SimTypedArray>;
  /** The GPU a cuda kernel runs on (default 0); the CPU backends' kernels ignore it. */
  device?: number;
}

export interface SetArrayOptions {
  /** Write an array that is not settable (checkpoint restore). */
  force: boolean;
}

export interface StopCondition {
  /** 'any': stop when the stop condition of any listed population holds; 'all': of all of them. */
  mode: 'any' | 'all';
  populations: number[];
}

export interface RunOptions {
  steps: number;
  /** Steps between progress reports; defaults to max(1, ⌊steps / 100⌋) when onProgress is given. */
  progressEvery?: number;
  /**
   * Called on the JS thread with the steps done so far in this run. Reports are coalesced: when
   * JS is busy, only the newest is delivered, and the simulation never waits for JS. A throw
   * cancels the run and rejects it with that error.
   */
  onProgress?: (stepsDone: number) => void;
  /** Aborting stops the run at the next step boundary; the promise resolves with cancelled: true. */
  signal?: AbortSignal;
  stop?: StopCondition;
}

export interface RunResult {
  stepsDone: number;
  cancelled: boolean;
  stopped: boolean;
  /** A batch ran its steps in resident windows: the cuda backend's resident schedule (backends/README.md). */
  resident: boolean;
}

export interface SpikeMonitorSpec {
  kind: 'spikes';
  population: number;
  /** First step recorded; default 0. */
  startStep?: number;
}

export interface StateMonitorSpec {
  kind: 'state';
  /** Per-neuron or per-population array to sample, e.g. "exc.v". */
  array: string;
  /** Neurons to record; null or absent ⇒ all. */
  indices?: Int32Array | null;
  periodSteps: number;
  startStep: number;
}

export type MonitorSpec = SpikeMonitorSpec | StateMonitorSpec;

/**
 * Spikes recorded since the last take, columnar: spike k is (steps[k], neurons[k]).
 * Steps are BigInt64Array — an exact copy of the kernel's int64 steps, ready for an Arrow/Parquet
 * int64 column; convert with Number(step) (steps fit in 2^53).
 */
export interface SpikeData {
  kind: 'spikes';
  steps: BigInt64Array;
  neurons: Int32Array;
}

/** Samples recorded since the last take: row r is steps[r] and values[r*width .. (r+1)*width). */
export interface StateData {
  kind: 'state';
  steps: BigInt64Array;
  values: Float64Array;
  width: number;
}

export type MonitorData = SpikeData | StateData;

// ---------------------------------------------------------------------------------------------
// The raw addon surface (everything the .node file exports). Arguments are positional and
// already validated; a missing value is null, never undefined.
// ---------------------------------------------------------------------------------------------

export interface NativeBinding {
  /** SS_ABI_VERSION the addon was compiled against. */
  readonly abiVersion: number;
  loadKernel(absolutePath: string): NativeKernel;
}

export interface NativeKernel {
  readonly path: string;
  readonly abiVersion: number;
  readonly structureHash: string;
  create(seed: bigint, threads: number, values: Float64Array, inputs: Record<string, SimTypedArray>, device: number): NativeSim;
  /** A batch of sims this kernel created (ss_join): a NativeSim that only runs, cancels and is destroyed. */
  join(copies: NativeSim[]): NativeSim;
  /** `copy` reads `first`'s read-only arrays where they hold the same values (ss_share); the bytes it now reads from another copy. */
  share(copy: NativeSim, first: NativeSim): number;
}

/** One block of the step and the seconds spent in it while profiling was on (summed over runs and threads). */
export interface ProfiledBlock {
  name: string;
  seconds: number;
}

export interface NativeSim {
  readonly running: boolean;
  readonly destroyed: boolean;
  arrays(): ArrayInfo[];
  getArray(name: string): SimTypedArray;
  setArray(name: string, value: AnyTypedArray | number | bigint, force: boolean): void;
  setThreads(threads: number): void;
  currentStep(): number;
  setCurrentStep(step: number): void;
  /**
   * stopMode: 0 none, 1 any, 2 all (enum ss_stop_mode). progressEvery 0 ⇒ no progress.
   * startCancelled sets the cancel flag before the run starts (an already aborted signal).
   */
  run(
    steps: number,
    progressEvery: number,
    stopMode: 0 | 1 | 2,
    stopPopulations: Int32Array | null,
    onProgress: ((stepsDone: number) => void) | null,
    startCancelled: boolean,
  ): Promise<RunResult>;
  cancel(): void;
  setProfiling(on: boolean): void;
  profile(): ProfiledBlock[];
  resetProfile(): void;
  /** kind: 0 spikes, 1 state (enum ss_monitor_kind). */
  addMonitor(
    kind: 0 | 1,
    population: number,
    array: string | null,
    indices: Int32Array | null,
    periodSteps: number,
    startStep: number,
  ): number;
  setMonitorActive(id: number, active: boolean): void;
  takeMonitor(id: number): MonitorData;
  destroy(): void;
}

// ---------------------------------------------------------------------------------------------
// Loading the addon
// ---------------------------------------------------------------------------------------------

const ADDON_FILE = 'spikesweep_native.node';

function addonCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromEnv = process.env.SPIKESWEEP_NATIVE_ADDON;
  return [
    ...(fromEnv ? [resolve(fromEnv)] : []),
    join(here, 'build', 'Release', ADDON_FILE), // native/index.ts
    join(here, '..', '..', 'native', 'build', 'Release', ADDON_FILE), // dist/native/index.js
  ];
}

function loadAddon(): NativeBinding {
  const candidates = addonCandidates();
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(
      `spikesweep native addon is not built (looked for ${candidates.join(', ')}); run \`npm run build:native\``,
    );
  }
  const require = createRequire(import.meta.url);
  try {
    return require(found) as NativeBinding;
  } catch (error) {
    throw new Error(
      `cannot load the spikesweep native addon ${found}: ${(error as Error).message}; ` +
        'rebuild it with `npm run build:native`',
      { cause: error },
    );
  }
}

const binding: NativeBinding = loadAddon();

/** SS_ABI_VERSION the addon expects kernel libraries to report. */
export const ABI_VERSION: number = binding.abiVersion;

// ---------------------------------------------------------------------------------------------
// Validation helpers
// ---------------------------------------------------------------------------------------------

const SIM_ARRAY_TYPES = [Float64Array, Float32Array, Int32Array, BigInt64Array, Uint16Array, Uint8Array] as const;
const ANY_ARRAY_TYPES = [...SIM_ARRAY_TYPES, Int8Array, Int16Array, Uint32Array, Uint8ClampedArray, BigUint64Array];

function isSimTypedArray(value: unknown): value is SimTypedArray {
  return SIM_ARRAY_TYPES.some((type) => value instanceof type);
}

function isAnyTypedArray(value: unknown): value is AnyTypedArray {
  return ANY_ARRAY_TYPES.some((type) => value instanceof type);
}

function checkInteger(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${where}: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

function checkInt32(where: string, name: string, value: unknown, min: number): number {
  const n = checkInteger(where, name, value, min);
  if (n > 2 ** 31 - 1) throw new RangeError(`${where}: ${name} must fit in int32, got ${n}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Typed wrappers
// ---------------------------------------------------------------------------------------------

/** Loads a kernel library (dlopen); throws for a missing file, a missing symbol or a wrong ABI version. */
export function loadKernel(path: string): Kernel {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('loadKernel: path must be a non-empty string');
  return new Kernel(binding.loadKernel(resolve(path)));
}

/** A loaded kernel library. It stays loaded while this object or any sim created from it lives. */
export class Kernel {
  readonly #native: NativeKernel;

  constructor(native: NativeKernel) {
    this.#native = native;
  }

  get path(): string {
    return this.#native.path;
  }

  get abiVersion(): number {
    return this.#native.abiVersion;
  }

  get structureHash(): string {
    return this.#native.structureHash;
  }

  /** Allocates a sim (ss_create: connectivity and initial values built from the seed). */
  create(options: CreateOptions): Sim {
    const where = 'kernel.create';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
    const { seed, threads, values, inputs, device = 0 } = options;
    if (typeof seed !== 'bigint' || seed < 0n || seed >= 1n << 64n) {
      throw new TypeError(`${where}: seed must be a bigint in [0, 2^64), got ${String(seed)}`);
    }
    checkInt32(where, 'threads', threads, 1);
    checkInt32(where, 'device', device, 0);
    if (!(values instanceof Float64Array)) throw new TypeError(`${where}: values must be a Float64Array`);
    if (typeof inputs !== 'object' || inputs === null) throw new TypeError(`${where}: inputs must be an object`);
    for (const [name, array] of Object.entries(inputs)) {
      if (!isSimTypedArray(array)) {
        throw new TypeError(
          `${where}: input '${name}' must be a Float64Array, Float32Array, Int32Array, BigInt64Array, Uint16Array or Uint8Array`,
        );
      }
    }
    return new Sim(this.#native.create(seed, threads, values, { ...inputs }, device));
  }

  /**
   * Joins sims this kernel created — copies of its structure, each with its own values and seed —
   * into a batch whose run() runs them all (ss_join): on the cuda backend stepped together, each
   * kernel launched once over every copy; on the CPU backends one after another. The copies keep
   * their arrays and monitors, refuse calls while the batch runs, and live while it does.
   */
  join(copies: Sim[]): SimBatch {
    if (!Array.isArray(copies) || copies.length === 0 || !copies.every((c) => c instanceof Sim)) {
      throw new TypeError('kernel.join: copies must be a non-empty array of sims');
    }
    return new SimBatch(this.#native.join(copies.map((c) => Sim.nativeOf(c))));
  }

  /**
   * Makes `copy`, a sim this kernel created and has not run, read `first`'s read-only arrays —
   * the connectivity create built: rows, columns, per-synapse delays, the postsynaptic index —
   * wherever the two hold the same values, freeing its own (ss_share): copies of a batch whose
   * connectivity draws nothing from their seeds then hold it once. Only the cuda backend's
   * schedule shares; the CPU backends' keep pointers of their own into the arrays and share
   * nothing. Returns the bytes `copy` now reads from another copy (its arrays' `shared` flag).
   */
  share(copy: Sim, first: Sim): number {
    if (!(copy instanceof Sim) || !(first instanceof Sim)) throw new TypeError('kernel.share: copy and first must be sims');
    return this.#native.share(Sim.nativeOf(copy), Sim.nativeOf(first));
  }
}

/** Runs `steps` on a native sim or batch off the event loop (see Sim.run). */
function startRun(native: NativeSim, options: RunOptions): Promise<RunResult> {
  const where = 'sim.run';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  const steps = checkInteger(where, 'steps', options.steps, 0);
  const onProgress = options.onProgress ?? null;
  if (onProgress !== null && typeof onProgress !== 'function') {
    throw new TypeError(`${where}: onProgress must be a function`);
  }
  let progressEvery = 0;
  if (options.progressEvery !== undefined) {
    progressEvery = checkInteger(where, 'progressEvery', options.progressEvery, 1);
  } else if (onProgress !== null) {
    progressEvery = Math.max(1, Math.floor(steps / 100));
  }
  const signal = options.signal ?? null;
  if (signal !== null && !(signal instanceof AbortSignal)) throw new TypeError(`${where}: signal must be an AbortSignal`);
  let stopMode: 0 | 1 | 2 = 0;
  let stopPopulations: Int32Array | null = null;
  if (options.stop !== undefined) {
    const { mode, populations } = options.stop;
    if (mode !== 'any' && mode !== 'all') throw new TypeError(`${where}: stop.mode must be 'any' or 'all'`);
    if (!Array.isArray(populations) || populations.length === 0) {
      throw new TypeError(`${where}: stop.populations must be a non-empty array of population indices`);
    }
    populations.forEach((p, i) => checkInt32(where, `stop.populations[${i}]`, p, 0));
    stopMode = mode === 'any' ? 1 : 2;
    stopPopulations = Int32Array.from(populations);
  }

  const aborted = signal !== null && signal.aborted;
  const promise = native.run(steps, progressEvery, stopMode, stopPopulations, onProgress, aborted);
  if (signal === null || aborted) return promise;
  const abort = (): void => native.cancel();
  signal.addEventListener('abort', abort, { once: true });
  return promise.finally(() => signal.removeEventListener('abort', abort));
}

/** A batch of sims (Kernel.join). Call destroy() when done; its copies stay the caller's. */
export class SimBatch {
  readonly #native: NativeSim;

  constructor(native: NativeSim) {
    this.#native = native;
  }

  /** Runs every copy `steps` steps, as Sim.run does one sim; a batch takes no stop condition. */
  run(options: RunOptions): Promise<RunResult> {
    try {
      return startRun(this.#native, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  get running(): boolean {
    return this.#native.running;
  }

  destroy(): void {
    this.#native.destroy();
  }
}

/** One simulation. Call destroy() when done (a GC finalizer frees it otherwise). */
export class Sim {
  readonly #native: NativeSim;
  readonly #monitorKinds = new Map<number, MonitorSpec['kind']>();

  constructor(native: NativeSim) {
    this.#native = native;
  }

  /** The native sim behind a Sim, for Kernel.join. */
  static nativeOf(sim: Sim): NativeSim {
    return sim.#native;
  }

  /** The array table: every piece of state the sim owns. */
  arrays(): ArrayInfo[] {
    return this.#native.arrays();
  }

  /** A copy of an array, as the typed array of its dtype. */
  getArray(name: string): SimTypedArray {
    if (typeof name !== 'string') throw new TypeError('sim.getArray: name must be a string');
    return this.#native.getArray(name);
  }

  /**
   * Copies values into an array. A typed array must have the array's length and is converted
   * element by element when its type differs (losslessly, or it throws naming the element); a
   * number or bigint fills the array. Arrays that are not settable need { force: true }.
   */
  setArray(name: string, value: AnyTypedArray | number | bigint, options: SetArrayOptions = { force: false }): void {
    const where = `sim.setArray('${String(name)}')`;
    if (typeof name !== 'string') throw new TypeError('sim.setArray: name must be a string');
    if (!(typeof value === 'number' || typeof value === 'bigint' || isAnyTypedArray(value))) {
      throw new TypeError(`${where}: value must be a typed array, a number or a bigint`);
    }
    if (typeof options !== 'object' || options === null || typeof options.force !== 'boolean') {
      throw new TypeError(`${where}: options must be { force: boolean }`);
    }
    this.#native.setArray(name, value, options.force);
  }

  setThreads(threads: number): void {
    this.#native.setThreads(checkInt32('sim.setThreads', 'threads', threads, 1));
  }

  /**
   * Profiling (Brian2's profile=True): while on, runs time each block of the step (every
   * population's update, every projection's delivery, psp and synaptic equations, the end of the
   * step, the monitors). Not during a run.
   */
  setProfiling(on: boolean): void {
    if (typeof on !== 'boolean') throw new TypeError('sim.setProfiling: on must be a boolean');
    this.#native.setProfiling(on);
  }

  /** The blocks of the step in order, with the seconds profiled so far. */
  profile(): ProfiledBlock[] {
    return this.#native.profile();
  }

  resetProfile(): void {
    this.#native.resetProfile();
  }

  /** The step the next run starts at. */
  get currentStep(): number {
    return this.#native.currentStep();
  }

  setCurrentStep(step: number): void {
    this.#native.setCurrentStep(checkInteger('sim.setCurrentStep', 'step', step, 0));
  }

  /** True while a run is in flight. */
  get running(): boolean {
    return this.#native.running;
  }

  get destroyed(): boolean {
    return this.#native.destroyed;
  }

  /**
   * Runs `steps` steps off the event loop. One run at a time per sim: a second call while one is
   * in flight rejects, as does any other method call on the sim meanwhile (they throw).
   */
  run(options: RunOptions): Promise<RunResult> {
    try {
      return startRun(this.#native, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Adds a monitor; returns its id. */
  addMonitor(spec: MonitorSpec): number {
    const where = 'sim.addMonitor';
    if (typeof spec !== 'object' || spec === null) throw new TypeError(`${where}: spec must be an object`);
    if (spec.kind === 'spikes') {
      const population = checkInt32(where, 'population', spec.population, 0);
      const startStep = checkInteger(where, 'startStep', spec.startStep ?? 0, 0);
      const id = this.#native.addMonitor(0, population, null, null, 0, startStep);
      this.#monitorKinds.set(id, 'spikes');
      return id;
    }
    if (spec.kind === 'state') {
      if (typeof spec.array !== 'string') throw new TypeError(`${where}: array must be a string`);
      const indices = spec.indices ?? null;
      if (indices !== null && !(indices instanceof Int32Array)) {
        throw new TypeError(`${where}: indices must be an Int32Array or null`);
      }
      const periodSteps = checkInteger(where, 'periodSteps', spec.periodSteps, 1);
      const startStep = checkInteger(where, 'startStep', spec.startStep, 0);
      const id = this.#native.addMonitor(1, -1, spec.array, indices, periodSteps, startStep);
      this.#monitorKinds.set(id, 'state');
      return id;
    }
    throw new TypeError(`${where}: kind must be 'spikes' or 'state'`);
  }

  setMonitorActive(id: number, active: boolean): void {
    if (typeof active !== 'boolean') throw new TypeError('sim.setMonitorActive: active must be a boolean');
    this.#native.setMonitorActive(checkInt32('sim.setMonitorActive', 'id', id, 0), active);
  }

  /** Everything the monitor recorded since the last take (copied; the kernel forgets it). */
  takeMonitor(id: number): MonitorData {
    return this.#native.takeMonitor(checkInt32('sim.takeMonitor', 'id', id, 0));
  }

  /** Spikes since the last take; throws if `id` is a state monitor. */
  takeSpikes(id: number): SpikeData {
    if (this.#monitorKinds.get(id) === 'state') throw new TypeError(`sim.takeSpikes: monitor ${id} is a state monitor`);
    const data = this.takeMonitor(id);
    if (data.kind !== 'spikes') throw new TypeError(`sim.takeSpikes: monitor ${id} is a state monitor`);
    return data;
  }

  /** State samples since the last take; throws if `id` is a spike monitor. */
  takeState(id: number): StateData {
    if (this.#monitorKinds.get(id) === 'spikes') throw new TypeError(`sim.takeState: monitor ${id} is a spike monitor`);
    const data = this.takeMonitor(id);
    if (data.kind !== 'state') throw new TypeError(`sim.takeState: monitor ${id} is a spike monitor`);
    return data;
  }

  /**
   * Frees the sim. Idempotent. During a run it cancels the run and the memory is freed when the
   * run settles (its promise resolves with cancelled: true). Any later call throws.
   */
  destroy(): void {
    this.#native.destroy();
  }
}
