// Monitor: records spikes and variables of a population (or view) or a projection. Data comes
// back columnar — spike k is (times[k], neurons[k]); variable samples are rows of `width` values —
// never one object per spike.
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
