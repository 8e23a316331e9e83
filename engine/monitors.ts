// Monitor specs → native monitors, and draining them: the one translation both the run driver
// and the Network API use (same start step, period and recorded neurons for the same spec).
//
// A monitor spec asks for one native monitor per variable: `spike` records a whole population
// (the native spike monitor has no index filter; `indices` are applied when draining), any other
// variable samples the array `${target}.${variable}`, where the target may be a population or a
// projection. The run driver merges spike monitors on one population (planMonitors); the Network
// API keeps one native monitor per spec, since each Monitor object hands out its own data.
import type { Sim, SpikeData } from '../native/index.js';
import { boldMonitorName, boldRecorded } from '../network/ir/bold.js';
import type { NetworkIR } from '../network/ir/ir.js';
import { SpecError } from '../network/spec/errors.js';
import type { MonitorSpec, NetworkSpec } from '../network/spec/schema.js';
import { stepsOf } from '../network/spec/steps.js';
import type { BoldBatch } from './parquet/bold-writer.js';
import type { SpikeBatch } from './parquet/spike-writer.js';
import type { StateBatch } from './parquet/state-writer.js';

/** Spikes of population number `index`, from `startStep`. */
export interface SpikeMonitorRequest {
  variable: 'spike';
  population: string;
  index: number;
  startStep: number;
}

/** Samples of `array` every `periodSteps` from `startStep`, for `indices` (null: every element). */
export interface StateMonitorRequest {
  variable: string;
  array: string;
  indices: Int32Array | null;
  periodSteps: number;
  startStep: number;
}

export type MonitorRequest = SpikeMonitorRequest | StateMonitorRequest;

const isSpikes = (r: MonitorRequest): r is SpikeMonitorRequest => r.variable === 'spike';

/**
 * The native monitors one monitor spec needs, one per variable. `populations` maps population
 * names to their index in the sim; a spike request on anything else gets index -1 (the sim refuses
 * it; planMonitors reports it first as a spec error).
 */
export function monitorRequests(m: MonitorSpec, dt: number, populations: ReadonlyMap<string, number>): MonitorRequest[] {
  const startStep = stepsOf(m.start, dt);
  return m.variables.map((variable): MonitorRequest => variable === 'spike'
    ? { variable, population: m.target, index: populations.get(m.target) ?? -1, startStep }
    : {
        variable, array: `${m.target}.${variable}`, indices: m.indices ? Int32Array.from(m.indices) : null,
        periodSteps: m.period === undefined ? 1 : Math.max(1, stepsOf(m.period, dt)), startStep,
      });
}

/** Adds the native monitor; returns its id. */
export function attachMonitor(sim: Sim, r: MonitorRequest): number {
  return isSpikes(r)
    ? sim.addMonitor({ kind: 'spikes', population: r.index, startStep: r.startStep })
    : sim.addMonitor({ kind: 'state', array: r.array, indices: r.indices, periodSteps: r.periodSteps, startStep: r.startStep });
}

/** Neurons kept (1) out of `size`. */
export function neuronMask(indices: Iterable<number>, size: number): Uint8Array {
  const mask = new Uint8Array(size);
  for (const x of indices) mask[x] = 1;
  return mask;
}

/** The spikes of the neurons in `mask`, in their order. */
export function maskSpikes(data: SpikeData, mask: Uint8Array): SpikeData {
  let kept = 0;
  const neurons = new Int32Array(data.neurons.length);
  const stepsOut = new BigInt64Array(data.neurons.length);
  for (let i = 0; i < data.neurons.length; i++) {
    if (mask[data.neurons[i]]) {
      neurons[kept] = data.neurons[i];
      stepsOut[kept++] = data.steps[i];
    }
  }
  return { kind: 'spikes', neurons: neurons.subarray(0, kept), steps: stepsOut.subarray(0, kept) };
}

// ---- The run driver's monitors: merged per population, validated, drained into writer batches ----

export interface SpikePlan {
  population: string;
  index: number;
  size: number;
  startStep: number;
  /** Neurons kept (1) when the monitors name indices; null ⇒ all. */
  mask: Uint8Array | null;
  recordedNeurons: number;
  monitorId: number;
  spikes: number;
}

export interface StatePlan extends StateMonitorRequest {
  target: string;
  /** Neuron (or synapse) ids of the recorded columns. */
  columns: Int32Array;
  monitorId: number;
}

/** A BOLD monitor's recorded variables: one native state monitor each on its unit, sampled together. */
export interface BoldPlan {
  monitor: string;
  variables: { variable: string; request: StateMonitorRequest; monitorId: number }[];
}

export interface MonitorPlan {
  spikes: SpikePlan[];
  states: StatePlan[];
  bolds: BoldPlan[];
}

/** The variables of the run's bold.parquet, in order: every BOLD monitor's, each once. */
export const boldColumns = (spec: NetworkSpec): string[] => [...new Set((spec.boldMonitors ?? []).flatMap(boldRecorded))];

/**
 * Decides the run's monitors from the spec; throws SpecError for what the sim cannot record. Two
 * monitors asking for one population's spikes merge: the earliest start, the union of their
 * indices (all neurons if either has none).
 */
export function planMonitors(spec: NetworkSpec, ir: NetworkIR, arrays: Map<string, number>, file: string): MonitorPlan {
  const populations = new Map(ir.populations.map((p) => [p.name, p]));
  const indexOf = new Map(ir.populations.map((p) => [p.name, p.index]));
  const spikeByPop = new Map<string, { start: number; indices: Set<number> | null }>();
  const states: StatePlan[] = [];
  const issues: SpecError['issues'] = [];
  spec.monitors.forEach((m, i) => {
    monitorRequests(m, spec.dt, indexOf).forEach((r, k) => {
      if (isSpikes(r)) {
        if (!populations.has(m.target)) {
          issues.push({ path: ['monitors', i, 'variables', k], message: `'${m.target}' is not a population; only populations spike` });
          return;
        }
        const prev = spikeByPop.get(m.target);
        const indices = m.indices ? new Set(m.indices) : null;
        if (!prev) spikeByPop.set(m.target, { start: r.startStep, indices });
        else {
          prev.start = Math.min(prev.start, r.startStep);
          prev.indices = prev.indices && indices ? new Set([...prev.indices, ...indices]) : null;
        }
        return;
      }
      const length = arrays.get(r.array);
      if (length === undefined) {
        issues.push({ path: ['monitors', i, 'variables', k], message: `the simulation has no array '${r.array}' to record` });
        return;
      }
      const bad = r.indices?.find((x) => x >= length);
      if (bad !== undefined) {
        issues.push({ path: ['monitors', i, 'indices'], message: `index ${bad} is outside '${r.array}' (length ${length})` });
        return;
      }
      // state.parquet has no monitor column: a neuron's variable recorded by two monitors would give rows no reader could tell apart.
      const overlaps = (a: Int32Array, b: Int32Array) => {
        const seen = new Set(a);
        return b.some((x) => seen.has(x));
      };
      const twice = states.find((p) => p.array === r.array && (p.indices === null || r.indices === null || overlaps(p.indices, r.indices)));
      if (twice) {
        issues.push({ path: ['monitors', i, 'variables', k], message: `another monitor records ${r.array} of the same neurons; state.parquet could not tell their rows apart: record each neuron's variable in one monitor` });
        return;
      }
      states.push({ ...r, target: m.target, columns: r.indices ?? Int32Array.from({ length }, (_, x) => x), monitorId: -1 });
    });
  });
  if (issues.length > 0) throw new SpecError(file, issues);
  const spikes = [...spikeByPop].map(([name, { start, indices }]): SpikePlan => {
    const pop = populations.get(name)!;
    return {
      population: name, index: pop.index, size: pop.size, startStep: start, mask: indices ? neuronMask(indices, pop.size) : null,
      recordedNeurons: indices?.size ?? pop.size, monitorId: -1, spikes: 0,
    };
  });
  const bolds = (spec.boldMonitors ?? []).map((m, i): BoldPlan => {
    const name = boldMonitorName(m, i);
    const requests = monitorRequests({ target: name, variables: boldRecorded(m), start: m.start, ...(m.period !== undefined ? { period: m.period } : {}) }, spec.dt, indexOf);
    return { monitor: name, variables: requests.map((request) => ({ variable: request.variable, request: request as StateMonitorRequest, monitorId: -1 })) };
  });
  return { spikes, states, bolds };
}

export function attachMonitors(sim: Sim, plan: MonitorPlan): void {
  for (const s of plan.spikes) s.monitorId = attachMonitor(sim, { variable: 'spike', population: s.population, index: s.index, startStep: s.startStep });
  for (const s of plan.states) s.monitorId = attachMonitor(sim, s);
  for (const b of plan.bolds) for (const v of b.variables) v.monitorId = attachMonitor(sim, v.request);
}

/** The spikes recorded since the last take, as a writer/hasher batch sorted by step then neuron. */
export function takeSpikeBatch(sim: Sim, plan: SpikePlan): SpikeBatch {
  const data = sim.takeSpikes(plan.monitorId);
  const batch = toBatch(plan.population, plan.mask ? maskSpikes(data, plan.mask) : data);
  plan.spikes += batch.neurons.length;
  return batch;
}

function toBatch(population: string, data: SpikeData): SpikeBatch {
  const { neurons } = data;
  const n = neurons.length;
  const stepsF = Float64Array.from(data.steps, Number);
  // The kernel emits spikes by step then neuron; sort defensively if it ever does not.
  for (let i = 1; i < n; i++) {
    if (stepsF[i] < stepsF[i - 1] || (stepsF[i] === stepsF[i - 1] && neurons[i] <= neurons[i - 1])) {
      const order = Array.from({ length: n }, (_, x) => x).sort((a, b) => stepsF[a] - stepsF[b] || neurons[a] - neurons[b]);
      return { population, neurons: Int32Array.from(order, (x) => neurons[x]), steps: Float64Array.from(order, (x) => stepsF[x]) };
    }
  }
  return { population, neurons, steps: stepsF };
}

/** A BOLD monitor's samples since the last take (its variables share start and period, so steps). */
export function takeBoldBatch(sim: Sim, plan: BoldPlan): BoldBatch {
  const taken = plan.variables.map((v) => ({ variable: v.variable, data: sim.takeState(v.monitorId) }));
  return {
    monitor: plan.monitor,
    steps: Float64Array.from(taken[0].data.steps, Number),
    values: Object.fromEntries(taken.map((t) => [t.variable, t.data.values])),
  };
}

export function takeStateBatch(sim: Sim, plan: StatePlan): StateBatch {
  const data = sim.takeState(plan.monitorId);
  return {
    population: plan.target,
    variable: plan.variable,
    neurons: plan.columns,
    steps: Float64Array.from(data.steps, Number),
    values: data.values,
  };
}
