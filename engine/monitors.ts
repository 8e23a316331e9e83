// spec.monitors → native monitors, and draining them into writer batches.
//
// Spikes: one native spike monitor per population that any monitor asks 'spike' of (two monitors
// on one population merge: the earliest start, the union of their indices, all neurons if either
// has none). Other variables: one state monitor per (monitor, variable) on `${target}.${variable}`,
// where the target may be a population or a projection.
import type { Sim, SpikeData } from '../native/index.js';
import type { NetworkIR } from '../network/ir/ir.js';
import { SpecError } from '../network/spec/errors.js';
import type { NetworkSpec } from '../network/spec/schema.js';
import type { SpikeBatch } from './parquet/spike-writer.js';
import type { StateBatch } from './parquet/state-writer.js';

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

export interface StatePlan {
  target: string;
  variable: string;
  array: string;
  indices: Int32Array | null;
  periodSteps: number;
  startStep: number;
  /** Neuron (or synapse) ids of the recorded columns. */
  columns: Int32Array;
  monitorId: number;
}

export interface MonitorPlan {
  spikes: SpikePlan[];
  states: StatePlan[];
}

const steps = (ms: number, dt: number) => Math.round(ms / dt);

/** Decides the monitors from the spec; throws SpecError for what the sim cannot record. */
export function planMonitors(spec: NetworkSpec, ir: NetworkIR, arrays: Map<string, number>, file: string): MonitorPlan {
  const populations = new Map(ir.populations.map((p) => [p.name, p]));
  const spikeByPop = new Map<string, { start: number; indices: Set<number> | null }>();
  const states: StatePlan[] = [];
  const issues: SpecError['issues'] = [];
  spec.monitors.forEach((m, i) => {
    const startStep = steps(m.start, spec.dt);
    m.variables.forEach((variable, k) => {
      if (variable === 'spike') {
        if (!populations.has(m.target)) {
          issues.push({ path: ['monitors', i, 'variables', k], message: `'${m.target}' is not a population; only populations spike` });
          return;
        }
        const prev = spikeByPop.get(m.target);
        const indices = m.indices ? new Set(m.indices) : null;
        if (!prev) spikeByPop.set(m.target, { start: startStep, indices });
        else {
          prev.start = Math.min(prev.start, startStep);
          prev.indices = prev.indices && indices ? new Set([...prev.indices, ...indices]) : null;
        }
        return;
      }
      const array = `${m.target}.${variable}`;
      const length = arrays.get(array);
      if (length === undefined) {
        issues.push({ path: ['monitors', i, 'variables', k], message: `the simulation has no array '${array}' to record` });
        return;
      }
      const indices = m.indices ? Int32Array.from(m.indices) : null;
      const bad = indices?.find((x) => x >= length);
      if (bad !== undefined) {
        issues.push({ path: ['monitors', i, 'indices'], message: `index ${bad} is outside '${array}' (length ${length})` });
        return;
      }
      states.push({
        target: m.target, variable, array, indices,
        periodSteps: m.period === undefined ? 1 : Math.max(1, steps(m.period, spec.dt)),
        startStep,
        columns: indices ?? Int32Array.from({ length }, (_, x) => x),
        monitorId: -1,
      });
    });
  });
  if (issues.length > 0) throw new SpecError(file, issues);
  const spikes = [...spikeByPop].map(([name, { start, indices }]): SpikePlan => {
    const pop = populations.get(name)!;
    let mask: Uint8Array | null = null;
    if (indices) {
      mask = new Uint8Array(pop.size);
      for (const x of indices) mask[x] = 1;
    }
    return { population: name, index: pop.index, size: pop.size, startStep: start, mask, recordedNeurons: indices?.size ?? pop.size, monitorId: -1, spikes: 0 };
  });
  return { spikes, states };
}

export function attachMonitors(sim: Sim, plan: MonitorPlan): void {
  for (const s of plan.spikes) s.monitorId = sim.addMonitor({ kind: 'spikes', population: s.index, startStep: s.startStep });
  for (const s of plan.states) {
    s.monitorId = sim.addMonitor({ kind: 'state', array: s.array, indices: s.indices, periodSteps: s.periodSteps, startStep: s.startStep });
  }
}

/** The spikes recorded since the last take, as a writer/hasher batch sorted by step then neuron. */
export function takeSpikeBatch(sim: Sim, plan: SpikePlan): SpikeBatch {
  const data = sim.takeSpikes(plan.monitorId);
  const batch = toBatch(plan.population, data, plan.mask);
  plan.spikes += batch.neurons.length;
  return batch;
}

function toBatch(population: string, data: SpikeData, mask: Uint8Array | null): SpikeBatch {
  let n = data.neurons.length;
  let neurons = data.neurons;
  let stepsF = new Float64Array(n);
  for (let i = 0; i < n; i++) stepsF[i] = Number(data.steps[i]);
  if (mask) {
    let kept = 0;
    const keepN = new Int32Array(n);
    const keepS = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (mask[neurons[i]]) {
        keepN[kept] = neurons[i];
        keepS[kept++] = stepsF[i];
      }
    }
    neurons = keepN.subarray(0, kept);
    stepsF = keepS.subarray(0, kept);
    n = kept;
  }
  // The kernel emits spikes by step then neuron; sort defensively if it ever does not.
  for (let i = 1; i < n; i++) {
    if (stepsF[i] < stepsF[i - 1] || (stepsF[i] === stepsF[i - 1] && neurons[i] <= neurons[i - 1])) {
      const order = Array.from({ length: n }, (_, x) => x).sort((a, b) => stepsF[a] - stepsF[b] || neurons[a] - neurons[b]);
      return { population, neurons: Int32Array.from(order, (x) => neurons[x]), steps: Float64Array.from(order, (x) => stepsF[x]) };
    }
  }
  return { population, neurons, steps: stepsF };
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
