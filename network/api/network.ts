// Network: the ANNarchy-5-style model API (camelCase). It accumulates a NetworkSpec — the same
// object a YAML file produces — compiles it through the shared pipeline, and drives the native
// simulation: values set after compile go straight into the running simulation. Monitors,
// checkpoints and resets go through the engine's (engine/monitors.ts, engine/checkpoint.ts,
// engine/reset.ts), so a Network and `spikesweep run` record, checkpoint and reset the same way.
import { randomInt } from 'node:crypto';
import type { ArrayInfo, ProfiledBlock, RunResult, Sim, SimTypedArray } from '../../native/index.js';
import { checkThreads, compileNetwork, createSimulation, type CompiledNetwork, type CompileNetworkOptions, type BackendName, type HostCompiler } from '../../backends/index.js';
import { checkCheckpointStructure, readSimCheckpoint, writeSimCheckpoint, type CheckpointNetwork } from '../../engine/checkpoint.js';
import { attachMonitor, maskSpikes, monitorRequests, neuronMask } from '../../engine/monitors.js';
import { resetArrays } from '../../engine/reset.js';
import { applyState, captureState, loadValues, saveValues, type SimState } from '../state/index.js';
import { populationAttributes, projectionAttributes } from './attributes.js';
import { isDistribution } from '../spec/distributions.js';
import { validateNetworkSpec } from '../spec/load.js';
import { SpecError } from '../spec/errors.js';
import { populationSize } from '../spec/check.js';
import { stepsOf } from '../spec/steps.js';
import { boldMonitorName, boldRecorded } from '../ir/bold.js';
import type { BoldMonitorSpec, MonitorSpec, NetworkConfig, NetworkSpec, NeuronDescription, PopulationSpec, ProjectionSpec, SynapseDescription } from '../spec/schema.js';
import { BoldMonitor } from './bold-monitor.js';
import { Monitor, type MonitorOwner } from './monitor.js';
import { parallelRun, type CopyMethod, type ParallelRunOptions, type ParallelRunResult } from './parallel-run.js';
import { recordedSpikesSha256 } from './recorded-spikes.js';
import { DEFAULT_REPORT_PERIOD_S, startReport, type RunReport } from './run-report.js';
import { formatSchedulingSummary, schedulingSummary, type ScheduledPhase } from './scheduling.js';
import { formatProfile } from './profiling.js';
import { readStoredState, storeToFile } from './stored-state.js';
import { readStates, writeStates, type GetStatesOptions, type NetworkStates, type StateValues } from './states.js';
import { Population, PopulationView, type PopulationOwner, type PopulationValue } from './population.js';
import { Projection, type ProjectionOwner } from './projection.js';

export interface CompileReport {
  backend: BackendName;
  structureHash: string;
  cacheHit: boolean;
  library: string;
  codegenMs: number;
  compileMs: number;
  buildMs: number;
}

export interface CompileOptions {
  directory?: string;
  clean?: boolean;
  compiler?: HostCompiler;
  compilerFlags?: string[];
  backend?: BackendName;
}

export interface SimulateOptions {
  onProgress?: (simulatedMs: number) => void;
  signal?: AbortSignal;
  /** Brian2's report: progress as text on stdout ('text', 'stdout') or stderr, or passed to a function. */
  report?: RunReport;
  /** Seconds of wall time between reports (Brian2's report_period); default 60. */
  reportPeriod?: number;
  /** Brian2's profile=True: time each block of the step in this run (profilingInfo adds them up). */
  profile?: boolean;
}

export class Network implements PopulationOwner, ProjectionOwner, MonitorOwner {
  private readonly spec: NetworkSpec;
  private readonly pops = new Map<string, Population>();
  private readonly projs = new Map<string, Projection>();
  private readonly mons: Monitor[] = [];
  private readonly bolds: BoldMonitor[] = [];
  private compiled: CompiledNetwork | null = null;
  private sim: Sim | null = null;
  /** Values changed before the first step: the simulation is rebuilt from the spec before use. */
  private stale = false;
  private stepped = false;
  /** The state right after the simulation was built: what reset() goes back to. */
  private initialState: SimState | null = null;
  private nativeMonitors = new Map<Monitor, { variable: string; id: number }[]>();
  /** The options of the last compile() but clean: what copy() hands on. */
  private lastCompile: Omit<CompileOptions, 'clean'> = {};
  /** A copy's defaults for compile(): its original's, so it finds the kernel the original loaded. */
  private inheritedCompile: Omit<CompileOptions, 'clean'> = {};

  constructor(opts: { dt?: number; seed?: number; name?: string } = {}) {
    this.spec = {
      name: opts.name ?? 'network', dt: opts.dt ?? 0.1, seed: opts.seed ?? randomInt(2 ** 31),
      constants: {}, neurons: {}, synapses: {}, populations: [], projections: [], monitors: [],
      config: { numThreads: 1, precision: 'double', method: 'explicit' },
    };
  }

  /** A network from a validated spec (e.g. loaded from YAML). */
  static fromSpec(spec: NetworkSpec): Network {
    const net = new Network({ dt: spec.dt, seed: spec.seed, name: spec.name });
    const { boldMonitors, ...rest } = spec;
    Object.assign(net.spec, structuredClone({ ...rest, populations: [], projections: [], monitors: [] }));
    for (const p of structuredClone(spec.populations)) net.addPopulation(p);
    for (const p of structuredClone(spec.projections)) net.addProjection(p);
    for (const m of structuredClone(spec.monitors)) net.addMonitor(m, true);
    for (const m of structuredClone(boldMonitors ?? [])) net.addBoldMonitor(m);
    return net;
  }

  get dt(): number { return this.spec.dt; }
  get seed(): number { return this.spec.seed!; }
  /** Current time in ms. */
  get t(): number { return (this.sim?.currentStep ?? 0) * this.spec.dt; }
  get currentStep(): number { return this.sim?.currentStep ?? 0; }
  get compiledStructureHash(): string | null { return this.compiled?.ir.structureHash ?? null; }

  private structural(what: string): void {
    if (this.compiled) throw new Error(`${what}: the network is already compiled; structure (populations, projections, connectors, precision) is fixed after compile — build a new Network`);
  }

  private addPopulation(spec: PopulationSpec): Population {
    if (this.pops.has(spec.name) || this.projs.has(spec.name)) throw new Error(`create: the name '${spec.name}' is already used`);
    const pop = new Population(this, spec, populationSize(spec));
    this.spec.populations.push(spec);
    this.pops.set(spec.name, pop);
    return pop;
  }

  private addProjection(spec: ProjectionSpec): Projection {
    if (this.pops.has(spec.name) || this.projs.has(spec.name)) throw new Error(`connect: the name '${spec.name}' is already used`);
    const proj = new Projection(this, spec);
    this.spec.projections.push(spec);
    this.projs.set(spec.name, proj);
    return proj;
  }

  private addMonitor(spec: MonitorSpec, active: boolean): Monitor {
    const m = new Monitor(this, spec, this.spec.dt);
    m.active = active;
    this.spec.monitors.push(spec);
    this.mons.push(m);
    const undo = () => {
      this.spec.monitors.pop();
      this.mons.pop();
    };
    // Unknown targets or variables are refused now rather than at compile: a monitor cannot be removed.
    this.keepIfValid(['monitors', this.spec.monitors.length - 1], undo);
    // A monitor added to a running simulation is attached to it: rebuilding from the spec (as
    // this used to do) silently threw away the simulated state and set the time back to 0.
    if (this.sim && !this.stale) {
      try {
        this.nativeMonitors.set(m, this.attach(this.sim, m));
      } catch (e) {
        undo();
        throw e;
      }
    }
    return m;
  }

  private addBoldMonitor(spec: BoldMonitorSpec): BoldMonitor {
    const list = (this.spec.boldMonitors ??= []);
    const name = boldMonitorName(spec, list.length);
    list.push({ ...spec, name });
    try {
      this.toSpec(); // a clear spec error for unknown populations, models, inputs or variables
    } catch (e) {
      list.pop();
      if (!list.length) delete this.spec.boldMonitors;
      throw e;
    }
    const monitor = new Monitor(this, { name, target: name, variables: boldRecorded(spec), start: spec.start, ...(spec.period !== undefined ? { period: spec.period } : {}) }, this.spec.dt);
    const bold = new BoldMonitor(list[list.length - 1], monitor);
    this.bolds.push(bold);
    return bold;
  }

  create(geometry: number | number[], neuron: string | NeuronDescription, opts: { name?: string; stopCondition?: string; spikeTimes?: number[][] } = {}): Population {
    this.structural('create');
    const sizes = Array.isArray(geometry) ? geometry : [geometry];
    if (sizes.length === 0 || !sizes.every((n) => Number.isInteger(n) && n > 0))
      throw new RangeError(`create: geometry must be a positive integer or a list of them, got ${JSON.stringify(geometry)}`);
    return this.addPopulation({
      name: opts.name ?? `pop${this.spec.populations.length}`, geometry, neuron, values: {},
      ...(opts.stopCondition !== undefined ? { stopCondition: opts.stopCondition } : {}),
      ...(opts.spikeTimes !== undefined ? { spikeTimes: opts.spikeTimes } : {}),
    });
  }

  connect(opts: { pre: Population | string; post: Population | string; target: string; synapse?: string | SynapseDescription; name?: string }): Projection {
    this.structural('connect');
    const name = (p: Population | string) => (typeof p === 'string' ? p : p.name);
    return this.addProjection({
      name: opts.name ?? `proj${this.spec.projections.length}`, pre: name(opts.pre), post: name(opts.post), target: opts.target,
      synapse: opts.synapse ?? 'static', connector: { type: 'allToAll', weights: 1, allowSelfConnections: false }, values: {}, learning: true,
    });
  }

  /**
   * `start`: the time in ms recording begins, or ANNarchy's boolean — false holds the monitor
   * until its start() (true, the default: from time 0).
   */
  monitor(obj: Population | PopulationView | Projection, variables: string | string[], opts: { period?: number; start?: number | boolean; name?: string } = {}): Monitor {
    const target = obj instanceof PopulationView ? obj.population.name : obj.name;
    if (opts.name !== undefined && this.mons.some((m) => m.name === opts.name)) throw new Error(`monitor: the name '${opts.name}' is already used`);
    return this.addMonitor({
      ...(opts.name !== undefined ? { name: opts.name } : {}), target,
      ...(obj instanceof PopulationView ? { indices: [...obj.indices] } : {}),
      variables: Array.isArray(variables) ? variables : [variables],
      ...(opts.period !== undefined ? { period: opts.period } : {}), start: typeof opts.start === 'number' ? opts.start : 0,
    }, opts.start !== false);
  }

  /**
   * ANNarchy's boldmonitor: a BOLD model (balloon_RN by default; network/models/bold.ts) fed each
   * step with the mean of a variable of the recorded populations (`mapping`, default
   * { I_CBF: 'r' }), optionally normalised against its mean over the first `normalizeInput` ms
   * from `start`. It is part of the compiled network: add it before compile().
   */
  boldMonitor(populations: Population | string | (Population | string)[], opts: {
    boldModel?: string; mapping?: Record<string, string>; scaleFactor?: number[]; normalizeInput?: number | number[];
    recordedVariables?: string[]; parameters?: Record<string, number>; start?: number; period?: number; name?: string;
  } = {}): BoldMonitor {
    this.structural('boldMonitor');
    const names = (Array.isArray(populations) ? populations : [populations]).map((p) => (typeof p === 'string' ? p : p.name));
    return this.addBoldMonitor({
      ...(opts.name !== undefined ? { name: opts.name } : {}), populations: names, model: opts.boldModel ?? 'balloon_RN',
      parameters: opts.parameters ?? {}, mapping: opts.mapping ?? { I_CBF: 'r' },
      ...(opts.scaleFactor !== undefined ? { scaleFactor: opts.scaleFactor } : {}), normalizeInput: opts.normalizeInput ?? 0,
      recordedVariables: opts.recordedVariables ?? [], start: opts.start ?? 0, ...(opts.period !== undefined ? { period: opts.period } : {}),
    });
  }

  /** ANNarchy's get_extension: the extension (a BOLD monitor) of that name. */
  getExtension(name: string): BoldMonitor {
    const found = this.bolds.find((b) => b.name === name);
    if (!found) throw new Error(`no extension '${name}' (declared: ${this.bolds.map((b) => b.name).join(', ') || 'none'})`);
    return found;
  }

  /** ANNarchy's get_extensions: the network's extensions (its BOLD monitors), in creation order. */
  getExtensions(): BoldMonitor[] {
    return [...this.bolds];
  }

  /** A global constant equations may use by name; settable at any time. */
  constant(name: string, value: number): { readonly name: string; value: number } {
    const declared = Object.hasOwn(this.spec.constants, name);
    if (!declared) this.structural('constant');
    checkNumbers(`constant '${name}'`, value);
    this.spec.constants[name] = value;
    // A new name is checked as a spec would be (reserved names, the name pattern).
    if (!declared) this.keepIfValid(['constants', name], () => { delete this.spec.constants[name]; });
    if (this.sim) this.sim.setArray(`const.${name}`, value);
    return this.getConstant(name);
  }

  getConstant(name: string): { readonly name: string; value: number } {
    if (!Object.hasOwn(this.spec.constants, name)) throw new Error(`no constant '${name}' (declared: ${Object.keys(this.spec.constants).join(', ') || 'none'})`);
    const net = this;
    return {
      name,
      get value() { return net.spec.constants[name]; },
      set value(v: number) { net.constant(name, v); },
    };
  }

  config(opts: Partial<NetworkConfig>): void {
    if (opts.precision !== undefined || opts.method !== undefined) this.structural('config');
    if (opts.numThreads !== undefined && this.compiled) checkThreads(this.compiled.backend, opts.numThreads);
    const before = { ...this.spec.config };
    Object.assign(this.spec.config, opts);
    this.keepIfValid(['config'], () => { this.spec.config = before; });
    if (opts.numThreads !== undefined) this.sim?.setThreads(opts.numThreads);
  }

  getPopulation(name: string): Population { return lookup(this.pops, name, 'population'); }
  getProjection(name: string): Projection { return lookup(this.projs, name, 'projection'); }
  getMonitor(name: string): Monitor {
    const m = this.mons.find((x) => x.name === name);
    if (!m) throw new Error(`no monitor '${name}' (declared: ${this.mons.map((x) => x.name).join(', ') || 'none'})`);
    return m;
  }
  get populations(): Population[] { return [...this.pops.values()]; }
  get projections(): Projection[] { return [...this.projs.values()]; }
  get monitors(): Monitor[] { return [...this.mons]; }
  get constants(): { name: string; value: number }[] { return Object.entries(this.spec.constants).map(([name, value]) => ({ name, value })); }

  /** The validated NetworkSpec of this network (what a YAML file would hold). */
  toSpec(): NetworkSpec {
    return validateNetworkSpec(structuredClone(this.spec), `network '${this.spec.name}'`);
  }

  /** Generates and compiles the network (cached) for a backend (default openmp), then builds it. */
  async compile(given: CompileOptions = {}): Promise<CompileReport> {
    const { clean, ...opts } = { ...this.inheritedCompile, ...given };
    this.lastCompile = opts;
    const spec = this.toSpec();
    const options: CompileNetworkOptions = { directory: opts.directory, clean, compiler: opts.compiler, flags: opts.compilerFlags ?? spec.compilerFlags, backend: opts.backend };
    this.compiled = await compileNetwork(spec, options);
    const started = performance.now();
    this.rebuild();
    return {
      backend: this.compiled.backend, structureHash: this.compiled.ir.structureHash, cacheHit: this.compiled.cacheHit, library: this.compiled.library,
      codegenMs: this.compiled.timings.codegenMs, compileMs: this.compiled.timings.compileMs, buildMs: performance.now() - started,
    };
  }

  /** Every monitor's recorder, a BOLD monitor's included. */
  private allMonitors(): Monitor[] {
    return [...this.mons, ...this.bolds.map((b) => b.monitor)];
  }

  private rebuild(): void {
    const spec = this.toSpec();
    // What the monitors recorded in the simulation being replaced is theirs to keep.
    for (const m of this.allMonitors()) this.drainMonitor(m);
    this.sim?.destroy();
    this.sim = null;
    const sim = createSimulation(this.compiled!, spec, { seed: spec.seed!, threads: spec.config.numThreads });
    this.sim = sim;
    this.initialState = captureState(sim);
    this.nativeMonitors = new Map(this.allMonitors().map((m) => [m, this.attach(sim, m)]));
    // A monitor held (start: false) or paused stays so in the new simulation.
    for (const m of this.allMonitors()) if (!m.active) this.setMonitorActive(m, false);
    this.stale = false;
    this.stepped = false;
  }

  private attach(sim: Sim, m: Monitor): { variable: string; id: number }[] {
    const populations = new Map(this.compiled!.ir.populations.map((p) => [p.name, p.index]));
    return monitorRequests(m.spec, this.spec.dt, populations).map((r) => ({ variable: r.variable, id: attachMonitor(sim, r) }));
  }

  private running(): Sim {
    if (!this.compiled) throw new Error('the network is not compiled yet: call compile() first');
    if (!this.sim || this.stale) this.rebuild();
    return this.sim!;
  }

  async simulate(durationMs: number, opts: SimulateOptions = {}): Promise<RunResult> {
    return this.run(durationMs, opts);
  }

  async step(): Promise<RunResult> {
    return this.run(this.spec.dt, {});
  }

  /** Simulates until the populations' stop conditions hold (all of them for 'and', any for 'or') or maxDurationMs passes; returns the simulated time in ms. */
  async simulateUntil(maxDurationMs: number, populations: Population[], mode: 'and' | 'or' = 'and', opts: SimulateOptions = {}): Promise<number> {
    if (mode !== 'and' && mode !== 'or') throw new Error(`simulateUntil: mode must be 'and' or 'or', got '${String(mode)}'`);
    if (populations.length === 0) throw new Error('simulateUntil: name at least one population whose stopCondition ends the run');
    const missing = populations.filter((p) => p.spec.stopCondition === undefined);
    if (missing.length) throw new Error(`simulateUntil: population${missing.length > 1 ? 's' : ''} ${missing.map((p) => `'${p.name}'`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no stopCondition (give one in create())`);
    const result = await this.run(maxDurationMs, opts, { mode: mode === 'and' ? 'all' : 'any', populations: populations.map((p) => this.populations.indexOf(p)) });
    return result.stepsDone * this.spec.dt;
  }

  /** Aborts the run in progress, if any: what stop() ends. */
  private stopRun: AbortController | null = null;

  private async run(durationMs: number, opts: SimulateOptions, stop?: { mode: 'any' | 'all'; populations: number[] }): Promise<RunResult> {
    if (!(durationMs >= 0 && Number.isFinite(durationMs))) throw new RangeError(`duration must be a finite number of ms ≥ 0, got ${durationMs}`);
    const steps = stepsOf(durationMs, this.spec.dt);
    if (!Number.isSafeInteger(steps)) throw new RangeError(`duration ${durationMs} ms is ${steps} steps of dt = ${this.spec.dt} ms, more than a run counts (2^53 - 1)`);
    if (this.stopRun) throw new Error('a run is already in progress: await it (or stop() it) before simulating again');
    const sim = this.running();
    this.stepped = true;
    const dt = this.spec.dt;
    const reporter = opts.report !== undefined ? startReport(opts.report, opts.reportPeriod ?? DEFAULT_REPORT_PERIOD_S, this.t, durationMs) : null;
    const onProgress = opts.onProgress;
    const progress = onProgress || reporter ? (steps: number) => { onProgress?.(steps * dt); reporter?.progress(steps * dt); } : null;
    const controller = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
    this.stopRun = controller;
    if (opts.profile) sim.setProfiling(true);
    try {
      const result = await sim.run({ steps, ...(progress ? { onProgress: progress } : {}), signal, ...(stop ? { stop } : {}) });
      reporter?.end(result.stepsDone * dt);
      return result;
    } finally {
      this.stopRun = null;
      if (opts.profile && !sim.destroyed) sim.setProfiling(false);
    }
  }

  /**
   * Brian2's profiling_info: the seconds each block of the step took in runs made with
   * { profile: true } (a block several threads share: the sum of their times), slowest first.
   */
  get profilingInfo(): ProfiledBlock[] {
    return (this.sim?.profile() ?? []).filter((b) => b.seconds > 0).sort((a, b) => b.seconds - a.seconds);
  }

  /** Brian2's profiling_summary: profilingInfo as a table (the `show` slowest blocks), with each block's share. */
  profilingSummary(show?: number): string {
    return formatProfile(this.profilingInfo, show);
  }

  /**
   * Brian2's stop(): ends the simulate() in progress at the end of the current step (it resolves
   * with cancelled: true and the steps done). Outside a run it does nothing: the next run starts
   * afresh.
   */
  stop(): void {
    this.stopRun?.abort();
  }

  /** Back to the state right after compile: variables of populations (and projections), time 0, monitors emptied. */
  reset(opts: { populations?: boolean; projections?: boolean; monitors?: boolean } = {}): void {
    const { populations = true, projections = false, monitors = true } = opts;
    const sim = this.running();
    resetArrays(sim, this.spec, this.initialState!, { populations, projections, boldMonitors: populations });
    sim.setCurrentStep(0);
    if (monitors) for (const m of this.allMonitors()) { this.drainMonitor(m); m.buffers.clear(); }
  }

  enableLearning(projections: Projection[] = this.projections): void { for (const p of projections) this.setLearning(p, true); }
  disableLearning(projections: Projection[] = this.projections): void { for (const p of projections) this.setLearning(p, false); }

  /** Every array the running simulation holds (name, type, length), e.g. to account for memory. */
  arrays(): ArrayInfo[] {
    return this.running().arrays();
  }

  /** A copy of one of those arrays, by name ("exc.v", "exc_exc.w", "exc._refractory_left", …). */
  getArray(name: string): SimTypedArray {
    return this.running().getArray(name);
  }

  /** Brian2's scheduling_summary: the step's phases in order, each with what it reads and writes (compile first). */
  schedulingSummary(): ScheduledPhase[] {
    if (!this.compiled) throw new Error('schedulingSummary: the network is not compiled yet: call compile() first');
    return schedulingSummary(this.compiled.ir, this.allMonitors().map((m) => ({ ...m.spec, name: m.name })));
  }

  /** schedulingSummary() as a table for people. */
  formatSchedulingSummary(): string {
    return formatSchedulingSummary(this.schedulingSummary());
  }

  /** Brian2's get_states: copies of the state variables of populations and projections, and the time. */
  getStates(opts: GetStatesOptions = {}): StateValues {
    return readStates(this.running(), this.spec.dt, this.stateObjects(), opts);
  }

  /**
   * Brian2's set_states: writes the given values (all checked before any is written) and, with
   * `t`, moves the clock there first. States read with { internal: true } continue the
   * simulation exactly; without the internal arrays, moving the clock forgets spikes in flight.
   */
  setStates(states: NetworkStates): void {
    writeStates(this.running(), this.spec.dt, this.stateObjects(), states);
    this.stepped = true;
  }

  private stateObjects(): string[] {
    return [...this.pops.keys(), ...this.projs.keys()];
  }

  destroy(): void {
    this.sim?.destroy();
    this.sim = null;
  }

  /**
   * ANNarchy's clear: frees the simulation and forgets what was built — populations,
   * projections, monitors, constants, models, stored states — so this Network (name, dt, seed,
   * config and compiler settings kept) is built and compiled anew. Objects handed out before no
   * longer belong to it.
   */
  clear(): void {
    this.destroy();
    Object.assign(this.spec, { constants: {}, neurons: {}, synapses: {}, populations: [], projections: [], monitors: [] });
    this.pops.clear();
    this.projs.clear();
    this.mons.length = 0;
    delete this.spec.boldMonitors;
    this.bolds.length = 0;
    this.nativeMonitors = new Map();
    this.snapshots.clear();
    this.compiled = null;
    this.initialState = null;
    this.stale = false;
    this.stepped = false;
  }

  /**
   * ANNarchy's copy: a new, uncompiled Network of this one's spec as built (its structure and the
   * values given before the first simulate), with this seed unless `seed` is given. Its compile()
   * takes this network's compile options and finds the kernel this process already loaded for
   * it: no compiler runs.
   */
  copy(opts: { seed?: number } = {}): Network {
    const twin = Network.fromSpec({ ...this.toSpec(), seed: opts.seed ?? this.seed });
    twin.inheritedCompile = { ...this.lastCompile };
    return twin;
  }

  /**
   * ANNarchy's parallel_run: `method(copy, k)` on `number` copies of this compiled network, each
   * its own simulation with its own seed, at most `maxConcurrent` at once (see parallel-run.ts).
   * Resolves with method's results in copy order and the seeds; rejects with a
   * ParallelRunError naming the first copy that failed and holding every copy's outcome.
   */
  async parallelRun<T>(method: CopyMethod<T>, number: number, opts: ParallelRunOptions = {}): Promise<ParallelRunResult<T>> {
    return parallelRun(this, method, number, opts);
  }

  /**
   * The canonical spike hash of the spikes this network's monitors hold: the spikesSha256 that
   * `spikesweep run` (or a sweep's run) reports for the same spec, seed and duration, as long as
   * no get() without keep took spikes away.
   */
  spikesSha256(): string {
    return recordedSpikesSha256(this.mons, this.spec.dt);
  }

  // ---- State: checkpoints (files), named snapshots (memory), save/load of values (.npy) ----

  /** Writes everything needed to continue this simulation exactly (see network/state/). */
  async checkpoint(path: string): Promise<{ bytes: number; step: number }> {
    const sim = this.running();
    const context = { spec: this.toSpec(), monitorsActive: this.mons.map((m) => m.active) };
    return writeSimCheckpoint(path, sim, this.checkpointNetwork(), context);
  }

  /** A network continuing from a checkpoint file: same spec, compiled (cached), state restored. */
  static async restore(path: string, opts: { directory?: string } = {}): Promise<Network> {
    const { header, state } = await readSimCheckpoint(path);
    const context = header.context as { spec: NetworkSpec; monitorsActive: boolean[] };
    const net = Network.fromSpec(context.spec);
    await net.compile(opts);
    checkCheckpointStructure(path, header, net.compiledStructureHash!);
    net.applySnapshot(state);
    net.mons.forEach((m, k) => { if (context.monitorsActive[k] === false) m.pause(); });
    return net;
  }

  /** Continues this compiled network from a checkpoint of the same structure. */
  async restoreCheckpoint(path: string): Promise<void> {
    const { state } = await readSimCheckpoint(path, { structureHash: this.running() && this.compiled!.ir.structureHash });
    this.applySnapshot(state);
  }

  private readonly snapshots = new Map<string, SimState>();

  /**
   * Brian2's store: keeps the current state under a name, in memory or, given a file, in that
   * file (a checkpoint holding this one snapshot, written atomically), so that restore(name, file)
   * continues it in another process. Monitors' recordings are not part of it.
   */
  async store(name = 'default', file?: string): Promise<void> {
    const sim = this.running();
    if (file === undefined) this.snapshots.set(name, captureState(sim));
    else await storeToFile(file, sim, this.checkpointNetwork(), name);
  }

  /** Brian2's restore: goes back to a state kept by store(name), or stored in `file` by this or another process. */
  async restore(name = 'default', file?: string): Promise<void> {
    this.running();
    const state = file === undefined ? this.snapshots.get(name) : await readStoredState(file, this.checkpointNetwork(), name);
    if (!state) throw new Error(`no stored state '${name}' (stored: ${[...this.snapshots.keys()].join(', ') || 'none'})`);
    this.applySnapshot(state);
  }

  /** What a checkpoint of this network records of it. */
  private checkpointNetwork(): CheckpointNetwork {
    return { structureHash: this.compiled!.ir.structureHash, seed: this.seed, dt: this.dt };
  }

  private applySnapshot(state: SimState): void {
    applyState(this.running(), state);
    this.stepped = true;
  }

  /** ANNarchy's save: every parameter and variable as NumPy .npy files plus index.json in `directory`. */
  async save(directory: string): Promise<void> {
    await saveValues(this.running(), directory, { network: this.spec.name, structureHash: this.compiled!.ir.structureHash, tMs: this.t });
  }

  /** ANNarchy's load: sets the values saved by save() (names and lengths must match this network). */
  async load(directory: string): Promise<void> {
    await loadValues(this.running(), directory);
  }

  // ---- PopulationOwner ----
  attributesOf(pop: Population): string[] {
    return populationAttributes(this.spec, pop.spec);
  }

  readPopulation(pop: Population, name: string): number | Float64Array {
    if (!this.attributesOf(pop).includes(name)) throw new Error(`population '${pop.name}' has no '${name}' (attributes: ${this.attributesOf(pop).join(', ')})`);
    if (!this.compiled) {
      const given = pop.spec.values[name];
      if (given === undefined) throw new Error(`population '${pop.name}': '${name}' gets its value at compile — call compile() first to read it`);
      if (isDistribution(given)) throw new Error(`population '${pop.name}': '${name}' is drawn from a distribution at compile — call compile() first to read it`);
      return Array.isArray(given) ? Float64Array.from(given) : given;
    }
    const data = this.running().getArray(`${pop.name}.${name}`);
    return data.length === 1 && pop.size !== 1 ? Number(data[0]) : Float64Array.from(data as Float64Array);
  }

  writePopulation(pop: Population, name: string, value: PopulationValue, indices: Int32Array | null): void {
    const attrs = this.attributesOf(pop);
    if (!attrs.includes(name)) throw new Error(`population '${pop.name}' has no '${name}' (attributes: ${attrs.join(', ')})`);
    checkNumbers(`population '${pop.name}': '${name}'`, value);
    const values = pop.spec.values;
    const toSpec = !this.sim || !this.stepped;
    if (isDistribution(value)) {
      if (!toSpec) throw new Error(`population '${pop.name}': a distribution can be assigned to '${name}' before the first simulate(); afterwards assign numbers or arrays`);
      if (indices) throw new Error(`population '${pop.name}': assign a distribution to the whole population, not a view`);
      values[name] = value;
      // Drawn when the simulation is (re)built: without this a distribution set between compile()
      // and the first simulate() was ignored.
      if (this.sim) this.stale = true;
    } else if (toSpec) {
      const previous = values[name];
      const array = typeof value === 'number' ? null : [...value];
      if (array && array.length !== (indices?.length ?? pop.size)) throw new Error(`population '${pop.name}': '${name}' needs ${indices?.length ?? pop.size} values, got ${array.length}`);
      if (!indices) values[name] = array ?? (value as number);
      else {
        const base = this.compiled ? this.readPopulation(pop, name) : values[name];
        if (base === undefined || isDistribution(base)) throw new Error(`population '${pop.name}': set '${name}' for the whole population (or compile) before setting it on a view`);
        const full = typeof base === 'number' ? new Array<number>(pop.size).fill(base) : [...base];
        indices.forEach((r, k) => { full[r] = array ? array[k] : (value as number); });
        values[name] = full;
      }
      this.keepIfValid(['populations', this.spec.populations.indexOf(pop.spec), 'values', name], () => { if (previous === undefined) delete values[name]; else values[name] = previous; });
      if (this.sim) this.stale = true;
    } else {
      const sim = this.sim!;
      const array = `${pop.name}.${name}`;
      if (!indices) sim.setArray(array, typeof value === 'number' ? value : Float64Array.from(value));
      else {
        const current = Float64Array.from(sim.getArray(array) as Float64Array);
        if (current.length === 1) throw new Error(`population '${pop.name}': '${name}' is shared by the whole population; set it on the population`);
        indices.forEach((r, k) => { current[r] = typeof value === 'number' ? value : value[k]; });
        sim.setArray(array, current);
      }
    }
  }

  // A change to the spec is checked as a spec would be, where the change is (`at`: a clear error
  // naming the field), and undone if it is refused; problems elsewhere are left to compile(), the
  // network may still be half-built.
  private keepIfValid(at: (string | number)[], undo: () => void): void {
    try {
      this.toSpec();
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      const here = e.issues.filter((i) => at.every((p, k) => i.path[k] === p));
      if (here.length === 0) return;
      undo();
      throw new SpecError(e.file, here, e.what);
    }
  }

  // ---- ProjectionOwner ----
  private synapseAttributes(proj: Projection): string[] {
    return projectionAttributes(this.spec, proj.spec);
  }

  readProjection(proj: Projection, name: string): number | Float64Array {
    if (!this.synapseAttributes(proj).includes(name)) throw new Error(`projection '${proj.name}' has no '${name}' (attributes: ${this.synapseAttributes(proj).join(', ')})`);
    const data = this.running().getArray(`${proj.name}.${name}`);
    return data.length === 1 ? Number(data[0]) : Float64Array.from(data as Float64Array);
  }

  writeProjection(proj: Projection, name: string, value: number | Float64Array | number[]): void {
    if (!this.synapseAttributes(proj).includes(name)) throw new Error(`projection '${proj.name}' has no '${name}' (attributes: ${this.synapseAttributes(proj).join(', ')})`);
    checkNumbers(`projection '${proj.name}': '${name}'`, value);
    if (typeof value !== 'number' && this.compiled && this.running().getArray(`${proj.name}.${name}`).length === 1 && value.length !== 1)
      throw new Error(`projection '${proj.name}': '${name}' is one value for the whole projection (${name === 'w' ? 'its connector gave a single weight' : 'declared `: projection`'}); set a number`);
    if (!this.compiled && name !== 'w' && typeof value === 'number') { proj.spec.values[name] = value; return; }
    this.running().setArray(`${proj.name}.${name}`, typeof value === 'number' ? value : Float64Array.from(value));
  }

  setLearning(proj: Projection, on: boolean): void {
    proj.spec.learning = on;
    this.sim?.setArray(`${proj.name}.learning`, on ? 1 : 0);
  }

  connectorChanged(_proj: Projection): void {
    this.structural('connector');
  }

  // ---- MonitorOwner ----
  drainMonitor(m: Monitor): void {
    if (!this.sim) return;
    for (const { variable, id } of this.nativeMonitors.get(m) ?? []) {
      const data = this.sim.takeMonitor(id);
      if (data.kind === 'state') m.append(variable, data.steps, data.values, data.width);
      else {
        // The native spike monitor records the whole population; a view keeps its own neurons.
        const kept = m.spec.indices ? maskSpikes(data, neuronMask(m.spec.indices, this.getPopulation(m.spec.target).size)) : data;
        m.append(variable, kept.steps, kept.neurons, 1);
      }
    }
  }

  setMonitorActive(m: Monitor, active: boolean): void {
    // Before compile the monitor keeps it (Monitor.active), applied when it is attached.
    if (!this.sim) return;
    for (const { id } of this.nativeMonitors.get(m) ?? []) this.sim.setMonitorActive(id, active);
  }

  populationSize(name: string): number {
    return this.getPopulation(name).size;
  }
}

function lookup<T>(map: Map<string, T>, name: string, what: string): T {
  const found = map.get(name);
  if (!found) throw new Error(`no ${what} '${name}' (declared: ${[...map.keys()].join(', ') || 'none'})`);
  return found;
}

/** Values set on an attribute: finite numbers (or a distribution), as a spec holds them. */
function checkNumbers(what: string, value: unknown): void {
  if (isDistribution(value)) return;
  const numbers = typeof value === 'number' ? [value] : Array.isArray(value) || value instanceof Float64Array ? [...value] : null;
  if (!numbers) throw new TypeError(`${what} takes a number, an array of numbers or a distribution, got ${value === null ? 'null' : typeof value}`);
  const bad = numbers.find((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad !== undefined) throw new RangeError(`${what} takes finite numbers, got ${String(bad)}`);
}
