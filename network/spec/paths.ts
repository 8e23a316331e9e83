// Parameter paths: dotted names of single numbers in a NetworkSpec, as sweeps vary them.
//
//   populations.<name>.values.<attr>        a neuron parameter or variable (or `refractory`)
//   projections.<name>.values.<attr>        a synapse parameter or variable (not `w`: use weights)
//   projections.<name>.connector.weights    the projection's weight
//   projections.<name>.connector.delays     its delay (ms)
//   projections.<name>.connector.probability   fixedProbability only
//   projections.<name>.connector.number     fixedNumberPre / fixedNumberPost only (integer)
//   constants.<name>                        a declared constant
//   dt                                      the time step (ms)
//
// Every one of these is a runtime value: the structure hash (network/ir/ir.ts) covers names,
// equations, sizes, connector types and storage modes, never these numbers — so one compiled
// library serves the whole sweep. The exceptions (`isStructuralPath`): a connector's weights or
// delays that the spec gives as a distribution or a per-synapse list are stored per synapse;
// replacing them by one number switches the storage to one shared value, which changes the
// structure (a second compile). They are allowed, and reported as structural.
import { resolveModels, neuronNames, synapseNames } from '../ir/models.js';
import { SpecError } from './errors.js';
import type { NetworkSpec } from './schema.js';

export type ParameterTarget =
  | { kind: 'dt' }
  | { kind: 'constant'; name: string }
  | { kind: 'population'; index: number; attr: string }
  | { kind: 'projectionValue'; index: number; attr: string }
  | { kind: 'connector'; index: number; field: 'weights' | 'delays' | 'probability' | 'number' };

const list = (names: string[]) => (names.length ? names.join(', ') : 'none');

/** Resolves a path to what it sets, or an error message naming what exists. */
export function resolveParameterPath(spec: NetworkSpec, path: string): ParameterTarget | string {
  const parts = path.split('.');
  const [head, name, section, attr, ...rest] = parts;
  const form = 'expected dt, constants.<name>, populations.<name>.values.<attr>, projections.<name>.values.<attr> or projections.<name>.connector.<weights|delays|probability|number>';
  if (parts.some((p) => p === '')) return `'${path}' is not a parameter path (${form})`;
  if (head === 'dt') return parts.length === 1 ? { kind: 'dt' } : `'${path}': dt has no fields`;
  if (head === 'constants') {
    if (parts.length !== 2) return `'${path}': expected constants.<name>`;
    if (!Object.prototype.hasOwnProperty.call(spec.constants, name))
      return `'${path}': no constant '${name}' (declared: ${list(Object.keys(spec.constants))})`;
    return { kind: 'constant', name };
  }
  if (head === 'populations') {
    const index = spec.populations.findIndex((p) => p.name === name);
    if (name === undefined || index < 0) return `'${path}': no population '${name ?? ''}' (declared: ${list(spec.populations.map((p) => p.name))})`;
    if (section !== 'values' || attr === undefined || rest.length > 0) return `'${path}': expected populations.${name}.values.<attr>`;
    const model = resolveModels(spec).neurons[index];
    if (!model) return `'${path}': population '${name}' is a spike source and has no values to set`;
    const names = neuronNames(model);
    if (model.refractory?.kind === 'number') names.push('refractory');
    if (!names.includes(attr)) return `'${path}': '${attr}' is not a parameter or variable of population '${name}' (neuron '${model.name}': ${list(names)})`;
    return { kind: 'population', index, attr };
  }
  if (head === 'projections') {
    const index = spec.projections.findIndex((p) => p.name === name);
    if (name === undefined || index < 0) return `'${path}': no projection '${name ?? ''}' (declared: ${list(spec.projections.map((p) => p.name))})`;
    const proj = spec.projections[index];
    if (section === 'values' && attr !== undefined && rest.length === 0) {
      const model = resolveModels(spec).synapses[index];
      const names = model ? synapseNames(model).filter((n) => n !== 'w') : [];
      if (attr === 'w') return `'${path}': set the weight with projections.${name}.connector.weights`;
      if (!names.includes(attr)) return `'${path}': '${attr}' is not a parameter or variable of projection '${name}' (synapse${model ? ` '${model.name}'` : ''}: ${list(names)})`;
      return { kind: 'projectionValue', index, attr };
    }
    if (section === 'connector' && attr !== undefined && rest.length === 0) {
      const c = proj.connector;
      const fields = ['weights', 'delays', ...(c.type === 'fixedProbability' ? ['probability'] : []), ...('number' in c ? ['number'] : [])];
      if (c.type === 'fromSparse') return `'${path}': a fromSparse connector's weights and delays are lists; they cannot be swept as one number`;
      if (!fields.includes(attr)) return `'${path}': '${attr}' is not a settable field of ${c.type} connector '${name}' (${list(fields)})`;
      return { kind: 'connector', index, field: attr as 'weights' | 'delays' | 'probability' | 'number' };
    }
    return `'${path}': expected projections.${name}.values.<attr> or projections.${name}.connector.<field>`;
  }
  return `'${path}': unknown section '${head}' (${form})`;
}

/** null when `path` names a settable value of `spec`, else a message naming what exists. */
export function checkParameterPath(spec: NetworkSpec, path: string): string | null {
  const t = resolveParameterPath(spec, path);
  return typeof t === 'string' ? t : null;
}

/** Whether setting `path` changes the structure hash (see the header). Throws on a bad path. */
export function isStructuralPath(spec: NetworkSpec, path: string): boolean {
  const t = resolveParameterPath(spec, path);
  if (typeof t === 'string') throw new Error(t);
  if (t.kind !== 'connector' || (t.field !== 'weights' && t.field !== 'delays')) return false;
  const current = spec.projections[t.index].connector[t.field];
  return current !== undefined && typeof current !== 'number';
}

/** Checks a value for a target: null or a message. */
function checkValue(path: string, t: ParameterTarget, value: number): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `'${path}': expected a finite number, got ${String(value)}`;
  if (t.kind === 'dt' && value <= 0) return `'${path}': dt must be > 0, got ${value}`;
  if (t.kind === 'connector') {
    if (t.field === 'probability' && (value < 0 || value > 1)) return `'${path}': a probability must be in [0, 1], got ${value}`;
    if (t.field === 'number' && (!Number.isInteger(value) || value < 0)) return `'${path}': number must be an integer ≥ 0, got ${value}`;
    if (t.field === 'delays' && value <= 0) return `'${path}': a delay must be > 0, got ${value}`;
  }
  return null;
}

/**
 * A new NetworkSpec with each path set to its value; the input is not modified (objects along the
 * changed paths are copied, everything else is shared). Throws a SpecError listing every bad path
 * or value.
 */
export function applyParameters(spec: NetworkSpec, params: Record<string, number>): NetworkSpec {
  const problems: string[] = [];
  const targets: [ParameterTarget, number][] = [];
  for (const [path, value] of Object.entries(params)) {
    const t = resolveParameterPath(spec, path);
    if (typeof t === 'string') { problems.push(t); continue; }
    const bad = checkValue(path, t, value);
    if (bad) problems.push(bad);
    else targets.push([t, value]);
  }
  if (problems.length > 0) throw new SpecError('the run\'s parameters', problems.map((message) => ({ path: [], message })), 'parameters');

  const out: NetworkSpec = { ...spec };
  let populations: NetworkSpec['populations'] | null = null;
  let projections: NetworkSpec['projections'] | null = null;
  const pop = (i: number) => {
    populations ??= (out.populations = [...spec.populations]);
    if (populations[i] === spec.populations[i]) populations[i] = { ...spec.populations[i], values: { ...spec.populations[i].values } };
    return populations[i];
  };
  const proj = (i: number, part: 'values' | 'connector') => {
    projections ??= (out.projections = [...spec.projections]);
    if (projections[i] === spec.projections[i]) projections[i] = { ...spec.projections[i] };
    const p = projections[i];
    if (part === 'values' && p.values === spec.projections[i].values) p.values = { ...p.values };
    if (part === 'connector' && p.connector === spec.projections[i].connector) p.connector = { ...p.connector };
    return p;
  };
  for (const [t, value] of targets) {
    switch (t.kind) {
      case 'dt': out.dt = value; break;
      case 'constant':
        if (out.constants === spec.constants) out.constants = { ...spec.constants };
        out.constants[t.name] = value;
        break;
      case 'population': pop(t.index).values[t.attr] = value; break;
      case 'projectionValue': proj(t.index, 'values').values[t.attr] = value; break;
      case 'connector': (proj(t.index, 'connector').connector as Record<string, unknown>)[t.field] = value; break;
    }
  }
  return out;
}

/** The number a path currently holds, or undefined (unset, a distribution, a list). */
export function parameterValue(spec: NetworkSpec, path: string): number | undefined {
  const t = resolveParameterPath(spec, path);
  if (typeof t === 'string') throw new Error(t);
  const v: unknown = t.kind === 'dt' ? spec.dt
    : t.kind === 'constant' ? spec.constants[t.name]
    : t.kind === 'population' ? spec.populations[t.index].values[t.attr]
    : t.kind === 'projectionValue' ? spec.projections[t.index].values[t.attr]
    : (spec.projections[t.index].connector as Record<string, unknown>)[t.field];
  return typeof v === 'number' ? v : undefined;
}
