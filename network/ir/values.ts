// The runtime side of a network: values the compiled library reads when it builds a simulation
// (parameters, initial values, connector arguments, as distribution descriptors in the slots the
// IR assigned), named inputs (explicit synapse lists, spike times), and per-neuron arrays to set
// after creation. Changing any of these never recompiles.
import type { Distribution } from '../spec/distributions.js';
import type { NetworkSpec, ValueSpec } from '../spec/schema.js';
import { boldSourceValues } from './bold.js';
import type { AttrIR, NetworkIR } from './ir.js';

export interface RuntimeValues {
  values: Float64Array;
  inputs: Record<string, Float64Array | Int32Array>;
  /** Per-neuron arrays given explicitly, written into the simulation after it is built. */
  arrays: { name: string; data: Float64Array }[];
}

export function encodeDistribution(d: number | Distribution): number[] {
  if (typeof d === 'number') return [0, d, 0, -Infinity, Infinity];
  if (d.kind === 'uniform') return [1, d.min, d.max, -Infinity, Infinity];
  const [a, b] = d.kind === 'normal' ? [d.mean, d.sd] : [d.mu, d.sigma];
  return [d.kind === 'normal' ? 2 : 3, a, b, d.min ?? -Infinity, d.max ?? Infinity];
}

export function buildRuntimeValues(spec: NetworkSpec, ir: NetworkIR): RuntimeValues {
  const values = new Float64Array(ir.valueCount);
  const inputs: RuntimeValues['inputs'] = {};
  const arrays: RuntimeValues['arrays'] = [];
  values[0] = spec.dt;
  for (const [name, value] of Object.entries(spec.constants)) arrays.push({ name: `const.${name}`, data: Float64Array.of(value) });
  const put = (slot: number, d: number | Distribution) => values.set(encodeDistribution(d), slot);
  const assign = (owner: string, a: AttrIR, given: ValueSpec | undefined, fallback: number) => {
    if (Array.isArray(given)) {
      put(a.slot, 0);
      arrays.push({ name: `${owner}.${a.name}`, data: Float64Array.from(given) });
    } else put(a.slot, given ?? fallback);
  };

  const sizes = ir.populations.map((p) => p.size);
  for (const pop of ir.populations) {
    const bold = pop.bold && spec.boldMonitors![pop.bold.monitor];
    const p = bold ? null : spec.populations[pop.index];
    const given: Record<string, ValueSpec> = bold ? bold.parameters : p!.values;
    const model = pop.model;
    for (const a of pop.attrs) {
      const declared = model?.parameters.find((x) => x.name === a.name);
      const fallback = declared ? declared.value : model!.variables.find((x) => x.name === a.name)!.init;
      assign(pop.name, a, given[a.name], fallback);
    }
    if (bold) values.set([Math.round(bold.start / spec.dt), ...boldSourceValues(bold, pop.bold!.inputs, sizes, spec.dt)], pop.bold!.slot);
    if (pop.refractory) {
      const r = model!.refractory!;
      assign(pop.name, pop.refractory, given.refractory, r.kind === 'number' ? r.value : 0);
    }
    if (p?.spikeTimes) {
      inputs[`${pop.name}.spike_counts`] = Int32Array.from(p.spikeTimes.map((l) => l.length));
      inputs[`${pop.name}.spike_times`] = Float64Array.from(p.spikeTimes.flatMap((l) => [...l].sort((x, y) => x - y)));
    }
  }

  for (const proj of ir.projections) {
    const s = spec.projections[proj.index];
    const c = s.connector;
    values[proj.connectorSlot] = c.type === 'fixedProbability' ? c.probability : 'number' in c ? c.number : 0;
    if (c.type === 'fromSparse') {
      inputs[`${proj.name}.sparse_pre`] = Int32Array.from(c.pre);
      inputs[`${proj.name}.sparse_post`] = Int32Array.from(c.post);
      if (Array.isArray(c.weights)) inputs[`${proj.name}.sparse_weights`] = Float64Array.from(c.weights);
      if (Array.isArray(c.delays)) inputs[`${proj.name}.sparse_delays`] = Float64Array.from(c.delays);
    }
    put(proj.weightSlot, Array.isArray(c.weights) ? 0 : c.weights);
    put(proj.delaySlot, c.delays === undefined || Array.isArray(c.delays) ? spec.dt : c.delays);
    // The compiled library creates '<projection>.learning' as 1; a projection whose learning was
    // switched off before compile (disableLearning(), or `learning: false` in YAML) must start off.
    if (!s.learning) arrays.push({ name: `${proj.name}.learning`, data: Float64Array.of(0) });
    for (const a of proj.attrs) {
      const declared = proj.model.parameters.find((x) => x.name === a.name);
      const fallback = declared ? declared.value : proj.model.variables.find((x) => x.name === a.name)!.init;
      const given = s.values[a.name];
      put(a.slot, given ?? fallback);
    }
  }
  return { values, inputs, arrays };
}
