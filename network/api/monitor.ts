// Monitor: records spikes and variables of a population (or view) or a projection. Data comes
// back columnar — spike k is (times[k], neurons[k]); variable samples are rows of `width` values —
// never one object per spike.
import { cvIsiPerNeuron, isiPerNeuron, meanRate, meanRatePerNeuron, populationRate, spikeHistogram, type Binning, type Smoothing } from '../../analysis/spike-trains.js';
import type { MonitorSpec } from '../spec/schema.js';

export interface SpikeRecord {
  neurons: Int32Array;
  times: Float64Array; // ms
}

export interface VariableRecord {
  times: Float64Array; // ms, one per sample
  values: Float64Array; // samples × width, row-major
  width: number;
  indices: Int32Array | null; // recorded neurons (null: all)
}

export interface MonitorOwner {
  drainMonitor(monitor: Monitor): void;
  setMonitorActive(monitor: Monitor, active: boolean): void;
  /** The size of a population, by name. */
  populationSize(name: string): number;
  /** The simulated time, ms. */
  readonly t: number;
}

/** The recording window of an analysis: from the monitor's start to now unless given. */
export interface AnalysisWindow {
  startMs?: number;
  endMs?: number;
}

export class Monitor {
  /** Recorded data not yet handed out, per variable. */
  readonly buffers = new Map<string, { chunks: { steps: BigInt64Array; data: Int32Array | Float64Array }[]; width: number }>();

  constructor(
    readonly owner: MonitorOwner,
    readonly spec: MonitorSpec,
    readonly dt: number,
  ) {}

  get name(): string {
    return this.spec.name ?? this.spec.target;
  }
  get variables(): string[] {
    return this.spec.variables;
  }

  /** Whether it is recording (monitors record from creation unless paused). */
  active = true;

  start(): void {
    this.setActive(true);
  }
  pause(): void {
    this.setActive(false);
  }
  resume(): void {
    this.setActive(true);
  }
  private setActive(active: boolean): void {
    this.owner.setMonitorActive(this, active);
    this.active = active;
  }

  get(variable: 'spike', opts?: { keep?: boolean }): SpikeRecord;
  get(variable: string, opts?: { keep?: boolean }): VariableRecord;
  /** What was recorded since the last get (ANNarchy's default), or everything with keep. */
  get(variable: string, opts: { keep?: boolean } = {}): SpikeRecord | VariableRecord {
    if (!this.spec.variables.includes(variable)) throw new Error(`monitor '${this.name}' does not record '${variable}' (records: ${this.spec.variables.join(', ')})`);
    this.owner.drainMonitor(this);
    const buffer = this.buffers.get(variable) ?? { chunks: [], width: 0 };
    const steps = concatBig(buffer.chunks.map((c) => c.steps));
    const times = Float64Array.from(steps, (s) => Number(s) * this.dt);
    if (!opts.keep) this.buffers.delete(variable);
    if (variable === 'spike') return { neurons: concat(Int32Array, buffer.chunks.map((c) => c.data as Int32Array)), times };
    return {
      times,
      values: concat(Float64Array, buffer.chunks.map((c) => c.data as Float64Array)),
      width: buffer.width,
      indices: this.spec.indices ? Int32Array.from(this.spec.indices) : null,
    };
  }

  /** How many neurons it records: its view's, or its population's size. */
  get recordedNeurons(): number {
    return this.spec.indices?.length ?? this.owner.populationSize(this.spec.target);
  }

  // Analyses of recorded spikes (ANNarchy's Monitor methods; definitions in analysis/spike-trains.ts).
  // Each takes the record from get('spike'), or reads it with keep so that it can be asked again.

  /** The raster: spike times (ms) and neuron indices, in time order. */
  raster(spikes: SpikeRecord = this.spikesKept()): SpikeRecord {
    const order = Array.from(spikes.times.keys()).sort((a, b) => spikes.times[a] - spikes.times[b] || spikes.neurons[a] - spikes.neurons[b]);
    return { times: Float64Array.from(order, (k) => spikes.times[k]), neurons: Int32Array.from(order, (k) => spikes.neurons[k]) };
  }

  /** Spike counts per bin of binMs over the window. */
  histogram(binMs: number, opts: AnalysisWindow & { spikes?: SpikeRecord } = {}): Float64Array {
    return spikeHistogram((opts.spikes ?? this.spikesKept()).times, this.binning(binMs, opts));
  }

  /** Rate per recorded neuron in bins of binMs, Hz, optionally smoothed (gaussian or flat). */
  populationRate(binMs: number, opts: AnalysisWindow & { spikes?: SpikeRecord; smooth?: Smoothing } = {}): Float64Array {
    return populationRate((opts.spikes ?? this.spikesKept()).times, this.recordedNeurons, this.binning(binMs, opts), opts.smooth);
  }

  /** Mean rate of the recorded neurons over the window, Hz (null for an empty window). */
  meanFiringRate(opts: AnalysisWindow & { spikes?: SpikeRecord } = {}): number | null {
    const { startMs, endMs } = this.window(opts);
    const times = (opts.spikes ?? this.spikesKept()).times;
    return meanRate(times.filter((t) => t >= startMs && t < endMs).length, this.recordedNeurons, endMs - startMs);
  }

  /** Mean rate of each neuron of the population over the window, Hz (index = neuron; unrecorded ones read 0). */
  meanRatePerNeuron(opts: AnalysisWindow & { spikes?: SpikeRecord } = {}): Float64Array {
    const { startMs, endMs } = this.window(opts);
    const spikes = opts.spikes ?? this.spikesKept();
    const inWindow = spikes.neurons.filter((_, k) => spikes.times[k] >= startMs && spikes.times[k] < endMs);
    return meanRatePerNeuron(inWindow, this.owner.populationSize(this.spec.target), endMs - startMs);
  }

  /** Inter-spike intervals (ms) of each neuron that fired at least twice. */
  isi(spikes: SpikeRecord = this.spikesKept()): Map<number, Float64Array> {
    return isiPerNeuron(spikes);
  }

  /** CV of the inter-spike intervals of each neuron that fired at least 3 times. */
  cvIsi(spikes: SpikeRecord = this.spikesKept()): Map<number, number> {
    return cvIsiPerNeuron(spikes);
  }

  private spikesKept(): SpikeRecord {
    return this.get('spike', { keep: true });
  }

  private window(opts: AnalysisWindow): { startMs: number; endMs: number } {
    return { startMs: opts.startMs ?? this.spec.start, endMs: opts.endMs ?? this.owner.t };
  }

  private binning(binMs: number, opts: AnalysisWindow): Binning {
    return { ...this.window(opts), binMs };
  }

  append(variable: string, steps: BigInt64Array, data: Int32Array | Float64Array, width: number): void {
    if (steps.length === 0) return;
    const buffer = this.buffers.get(variable) ?? { chunks: [], width };
    buffer.chunks.push({ steps, data });
    this.buffers.set(variable, buffer);
  }
}

function concat<T extends Int32Array | Float64Array>(Ctor: { new (n: number): T }, parts: T[]): T {
  const out = new Ctor(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p as never, at), (at += p.length));
  return out;
}

function concatBig(parts: BigInt64Array[]): BigInt64Array {
  const out = new BigInt64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}
