// NetworkSpec + parsed models → the structure the code generator needs, with every runtime value
// given a slot. What lands in the IR's `structure` is exactly what the structure hash covers:
// equations, sizes, connector rules and storage modes — never parameter values.
import { createHash } from 'node:crypto';
import type { NeuronModel, SynapseModel } from '../equations/index.js';
import type { SpecIssue } from '../spec/errors.js';
import { populationSize } from '../spec/check.js';
import type { ConnectorSpec, NetworkSpec } from '../spec/schema.js';
import { boldInputs, boldValueCount, resolveBoldMonitors, type BoldIR } from './bold.js';
import { resolveModels, type StopCondition } from './models.js';

export const CODEGEN_VERSION = 1;
/** Build-time values per attribute: a distribution descriptor (kind, a, b, min, max). */
export const DIST_SLOTS = 5;

export interface AttrIR {
  name: string;
  kind: 'parameter' | 'variable';
  shared: boolean;
  slot: number;
  stream: number;
}

export interface PopulationIR {
  index: number;
  name: string;
  size: number;
  model: NeuronModel | null; // null: SpikeSourceArray
  attrs: AttrIR[];
  /** Every conductance the population holds: the model's g_* plus g_<target> of incoming projections. */
  conductances: string[];
  /** Targets of continuous (psp) input, read with sum(target). */
  sums: string[];
  /** Refractory period in ms as a per-neuron parameter, when the model gives a number. */
  refractory: AttrIR | null;
  randomStream: number;
  stop: StopCondition | null;
  /** Set on the unit a BOLD monitor compiles to (after the spec's populations); absent otherwise. */
  bold?: BoldIR;
}

export interface ProjectionIR {
  index: number;
  name: string;
  pre: number;
  post: number;
  target: string;
  model: SynapseModel;
  connector: ConnectorSpec['type'];
  allowSelf: boolean;
  weights: 'shared' | 'synapse';
  delays: 'uniform' | 'synapse';
  attrs: AttrIR[];
  connectorSlot: number;
  weightSlot: number;
  delaySlot: number;
  streams: { connect: number; weight: number; delay: number; random: number };
}

export interface NetworkIR {
  precision: 'double' | 'float';
  populations: PopulationIR[];
  projections: ProjectionIR[];
  constants: string[];
  valueCount: number;
  structureHash: string;
}

export class NetworkBuildError extends Error {
  constructor(readonly issues: SpecIssue[]) {
    super(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
    this.name = 'NetworkBuildError';
  }
}

function assigns(model: SynapseModel, name: string): boolean {
  return [...model.preSpike, ...model.postSpike].some((s) => !s.target.scope && s.target.name === name)
    || model.variables.some((v) => v.name === name);
}

export function buildIR(spec: NetworkSpec): NetworkIR {
  const { neurons, synapses, stops, issues } = resolveModels(spec);
  const bolds = resolveBoldMonitors(spec, neurons);
  issues.push(...bolds.issues);
  if (issues.length > 0) throw new NetworkBuildError(issues);
  let slot = 1; // slot 0 holds dt
  let stream = 1;
  const take = (n: number) => ((slot += n), slot - n);
  const attr = (name: string, kind: AttrIR['kind'], shared: boolean): AttrIR =>
    ({ name, kind, shared, slot: take(DIST_SLOTS), stream: stream++ });

  const populations: PopulationIR[] = spec.populations.map((p, index) => {
    const model = neurons[index];
    const attrs = model
      ? [...model.parameters.map((x) => attr(x.name, 'parameter', x.shared)), ...model.variables.map((x) => attr(x.name, 'variable', x.shared))]
      : [];
    const refractoryValue = model?.refractory?.kind === 'number';
    return {
      index, name: p.name, size: populationSize(p), model, attrs,
      conductances: [...(model?.conductances ?? [])], sums: [...(model?.sums ?? [])],
      refractory: refractoryValue ? attr('refractory', 'parameter', false) : null,
      randomStream: (stream += 64) - 64,
      stop: stops[index],
    };
  });
  const sizes = populations.map((p) => p.size);
  bolds.monitors.forEach((b, k) => {
    const m = spec.boldMonitors![k];
    const model = b.model;
    populations.push({
      index: populations.length, name: b.name, size: 1, model,
      attrs: [...model.parameters.map((x) => attr(x.name, 'parameter', x.shared)), ...model.variables.map((x) => attr(x.name, 'variable', x.shared))],
      conductances: [...model.conductances], sums: [...model.sums], refractory: null,
      randomStream: (stream += 64) - 64, stop: null,
      bold: { monitor: k, inputs: boldInputs(m, b.definition, spec, neurons, sizes), slot: take(boldValueCount(m, b.definition)) },
    });
  });
  const popIndex = new Map(populations.map((p) => [p.name, p.index]));

  const projections: ProjectionIR[] = spec.projections.map((proj, index) => {
    const model = synapses[index];
    const post = populations[popIndex.get(proj.post)!];
    const c = proj.connector;
    if (model.psp) { if (!post.sums.includes(proj.target)) post.sums.push(proj.target); }
    else if (!post.conductances.includes(`g_${proj.target}`)) post.conductances.push(`g_${proj.target}`);
    const weightsShared = typeof c.weights === 'number' && !assigns(model, 'w');
    const delaysUniform = c.delays === undefined || typeof c.delays === 'number';
    if (!delaysUniform) checkPerSynapseDelays(model, index, issues);
    return {
      index, name: proj.name, pre: popIndex.get(proj.pre)!, post: post.index, target: proj.target, model,
      connector: c.type,
      allowSelf: 'allowSelfConnections' in c ? c.allowSelfConnections : true,
      weights: weightsShared ? 'shared' : 'synapse',
      delays: delaysUniform ? 'uniform' : 'synapse',
      attrs: [
        ...model.parameters.filter((x) => x.name !== 'w').map((x) => attr(x.name, 'parameter', x.shared)),
        ...model.variables.filter((x) => x.name !== 'w').map((x) => attr(x.name, 'variable', x.shared)),
      ],
      connectorSlot: take(1), weightSlot: take(DIST_SLOTS), delaySlot: take(DIST_SLOTS),
      streams: { connect: stream++, weight: stream++, delay: stream++, random: (stream += 64) - 64 },
    };
  });
  if (issues.length > 0) throw new NetworkBuildError(issues);

  const ir = {
    precision: spec.config.precision,
    populations, projections,
    constants: Object.keys(spec.constants),
    valueCount: slot,
  };
  return { ...ir, structureHash: hashStructure(ir) };
}

function checkPerSynapseDelays(model: SynapseModel, index: number, issues: SpecIssue[]): void {
  const onlyConductance = model.preSpike.every((s) => s.target.name === 'g_target' && !s.target.scope && s.op === '+=');
  if (!onlyConductance || model.postSpike.length > 0 || model.variables.some((v) => v.name !== 'w'))
    issues.push({ path: ['projections', index, 'connector', 'delays'], message: `per-synapse delays are supported for synapses whose preSpike only adds to g_target (synapse '${model.name}' does more); use one delay for the projection` });
}

// Hashes the structure only: spans and parameter/initial values are left out so that changing a
// value never changes the hash.
function hashStructure(ir: Omit<NetworkIR, 'structureHash'>): string {
  const structural = JSON.stringify({ codegen: CODEGEN_VERSION, ir }, function (this: Record<string, unknown>, key, value) {
    if (key === 'span' || key === 'init') return undefined;
    // A parameter's value (not an equation's numeric literal, whose node has a kind).
    if (key === 'value' && !('kind' in this)) return undefined;
    // A numeric refractory period is a per-neuron value.
    if (key === 'refractory' && value?.kind === 'number') return 'value';
    return value;
  });
  return createHash('sha256').update(structural).digest('hex').slice(0, 32);
}
