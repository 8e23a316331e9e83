// Resolves every population's neuron model and every projection's synapse model (built-in name,
// a model declared under `neurons:`/`synapses:`, or an inline description), parses them, and checks
// what only the network can know: values and monitors naming declared things, pre./post. names
// existing in the connected neuron models.
import { EquationErrors, formatIssue, parseNeuron, parseSynapse } from '../equations/index.js';
import type { Expr, NeuronModel, ParseOptions, SynapseModel } from '../equations/index.js';
import { builtinNeurons } from '../models/neurons.js';
import { builtinSynapses } from '../models/synapses.js';
import type { SpecIssue } from '../spec/errors.js';
import type { NetworkSpec, NeuronDescription, SynapseDescription } from '../spec/schema.js';

export const SPIKE_SOURCE = 'SpikeSourceArray';

export interface StopCondition {
  condition: Expr;
  mode: 'any' | 'all';
}

export interface ResolvedModels {
  neurons: (NeuronModel | null)[]; // null: SpikeSourceArray population
  synapses: SynapseModel[];
  stops: (StopCondition | null)[];
  issues: SpecIssue[];
}

export function neuronNames(model: NeuronModel | null): string[] {
  if (!model) return [];
  // A conductance the model integrates itself (tau_e * dg_exc/dt = -g_exc) is named once.
  return [...new Set([...model.parameters.map((p) => p.name), ...model.variables.map((v) => v.name), ...model.conductances])];
}

export function synapseNames(model: SynapseModel): string[] {
  return [...model.parameters.map((p) => p.name), ...model.variables.map((v) => v.name)];
}

type Parsed = { model: NeuronModel | SynapseModel } | { error: EquationErrors };
/**
 * Parsed models by what was parsed: a runner resolves the same spec's models for every run of a
 * sweep (parameter paths, the structure hash, the build), and parsing was most of that. Models are
 * frozen: every resolution shares them.
 */
const parsedModels = new Map<string, Parsed>();
const PARSED_MODELS_KEPT = 256;

/** Freezes `value` and everything it holds (what several runs share must not change under them). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function parseOnce<T extends NeuronModel | SynapseModel>(key: string, parse: () => T): T {
  let parsed = parsedModels.get(key);
  if (!parsed) {
    try {
      parsed = { model: deepFreeze(parse()) };
    } catch (e) {
      if (!(e instanceof EquationErrors)) throw e;
      parsed = { error: e };
    }
    if (parsedModels.size >= PARSED_MODELS_KEPT) parsedModels.clear();
    parsedModels.set(key, parsed);
  }
  if ('error' in parsed) throw parsed.error;
  return parsed.model as T;
}

const parseNeuronOnce = (desc: NeuronDescription, opts: ParseOptions) =>
  parseOnce(`neuron:${JSON.stringify([desc, opts.constants])}`, () => parseNeuron(desc, opts));
const parseSynapseOnce = (desc: SynapseDescription, opts: ParseOptions) =>
  parseOnce(`synapse:${JSON.stringify([desc, opts.constants])}`, () => parseSynapse(desc, opts));

export function resolveModels(spec: NetworkSpec): ResolvedModels {
  const issues: SpecIssue[] = [];
  const constants = Object.keys(spec.constants);
  const parsed = new Map<string, NeuronModel | SynapseModel | null>();

  function parseWith<T>(key: string, path: (string | number)[], parse: () => T): T | null {
    if (parsed.has(key)) return parsed.get(key) as T | null;
    let model: T | null = null;
    try {
      model = parse();
    } catch (e) {
      if (!(e instanceof EquationErrors)) throw e;
      for (const i of e.issues) issues.push({ path: [...path, i.field], fieldLine: i.line, message: formatIssue(i) });
    }
    parsed.set(key, model as never);
    return model;
  }

  const stops: (StopCondition | null)[] = spec.populations.map(() => null);
  // ANNarchy's stop_condition: "<condition> [: any | all]", evaluated over the neuron's own names.
  function parseStop(text: string, desc: NeuronDescription, path: (string | number)[]): StopCondition | null {
    const match = /^(.*?)(?::\s*(any|all)\s*)?$/s.exec(text)!;
    try {
      const model = parseNeuronOnce({ ...desc, spike: match[1], reset: undefined, refractory: undefined }, { constants });
      return { condition: model.spike!, mode: (match[2] as 'any' | 'all' | undefined) ?? 'all' };
    } catch (e) {
      if (!(e instanceof EquationErrors)) throw e;
      for (const i of e.issues) issues.push({ path, message: formatIssue(i).replace(/spike line/g, 'stopCondition line') });
      return null;
    }
  }

  const neurons = spec.populations.map((p, i) => {
    const path = ['populations', i, 'neuron'];
    if (p.neuron === SPIKE_SOURCE) {
      if (!p.spikeTimes) issues.push({ path: ['populations', i, 'spikeTimes'], message: 'a SpikeSourceArray population needs spikeTimes (one list per neuron, in ms)' });
      for (const key of Object.keys(p.values)) issues.push({ path: ['populations', i, 'values', key], message: `a SpikeSourceArray has no parameters or variables (its spikes are its spikeTimes), got '${key}'` });
      return null;
    }
    if (p.spikeTimes) issues.push({ path: ['populations', i, 'spikeTimes'], message: `spikeTimes drive a SpikeSourceArray population; '${p.name}' is of neuron '${typeof p.neuron === 'string' ? p.neuron : p.name}'` });
    const found = lookup<NeuronDescription>(p.neuron, spec.neurons, builtinNeurons, path, issues, 'neuron');
    if (!found) return null;
    const [key, desc, where] = found;
    const name = typeof p.neuron === 'string' ? p.neuron : p.name;
    const model = parseWith(`${key}:${spec.config.method}`, where, () => parseNeuronOnce({ name, ...desc, method: desc.method ?? spec.config.method }, { constants })) as NeuronModel | null;
    if (model && p.stopCondition !== undefined) stops[i] = parseStop(p.stopCondition, { ...desc, name }, ['populations', i, 'stopCondition']);
    return model;
  });

  const synapses = spec.projections.map((proj, i) => {
    const path = ['projections', i, 'synapse'];
    const found = lookup<SynapseDescription>(proj.synapse, spec.synapses, builtinSynapses, path, issues, 'synapse');
    if (!found) return null;
    const [key, desc, where] = found;
    return parseWith(`${key}:${spec.config.method}`, where, () => parseSynapseOnce({ name: typeof proj.synapse === "string" ? proj.synapse : proj.name, ...desc, method: desc.method ?? spec.config.method }, { constants })) as SynapseModel | null;
  });

  const index = new Map(spec.populations.map((p, i) => [p.name, i]));
  spec.populations.forEach((p, i) => {
    const model = neurons[i];
    if (!model) return;
    const names = neuronNames(model);
    const shared = new Set([...model.parameters, ...model.variables].filter((a) => a.shared).map((a) => a.name));
    for (const [key, value] of Object.entries(p.values))
      if (!names.includes(key) && key !== 'refractory')
        issues.push({ path: ['populations', i, 'values', key], message: `'${key}' is not a parameter or variable of neuron '${model.name}' (declared: ${names.join(', ')})` });
      else if (shared.has(key) && Array.isArray(value) && value.length !== 1)
        issues.push({ path: ['populations', i, 'values', key], message: `'${key}' is one value for the whole population (\`: population\` in neuron '${model.name}'): give a number, not one per neuron` });
  });
  // A constant named like a model's own parameter or variable is not what that model's equations read.
  const shadowed = new Set<string>();
  [...neurons.map((m) => (m ? neuronNames(m) : [])), ...synapses.map((m) => (m ? synapseNames(m) : []))].forEach((names, k) => {
    const model = k < neurons.length ? neurons[k] : synapses[k - neurons.length];
    for (const name of names.filter((n) => constants.includes(n) && !shadowed.has(n))) {
      shadowed.add(name);
      issues.push({ path: ['constants', name], message: `'${name}' is also a parameter or variable of ${k < neurons.length ? 'neuron' : 'synapse'} '${model!.name}', whose equations read their own '${name}', not the constant: rename one` });
    }
  });
  spec.projections.forEach((proj, i) => {
    const model = synapses[i];
    if (!model) return;
    const pre = neurons[index.get(proj.pre) ?? -1];
    const post = neurons[index.get(proj.post) ?? -1];
    const isSource = (name: string) => spec.populations.find((p) => p.name === name)?.neuron === SPIKE_SOURCE;
    // A target no equation of the post neuron reads, or a pre that never spikes, makes a projection
    // that does nothing: almost always a typo, which would otherwise run silently.
    if (isSource(proj.post)) issues.push({ path: ['projections', i, 'post'], message: `population '${proj.post}' is a spike source: a projection onto it has no effect` });
    else if (post) {
      const reads = model.psp ? post.sums : post.conductances.map((g) => g.slice(2));
      if (!reads.includes(proj.target))
        issues.push({ path: ['projections', i, 'target'], message: `neuron '${post.name}' of population '${proj.post}' reads no '${proj.target}' (${model.psp ? `sum(${proj.target})` : `g_${proj.target}`}): the projection would have no effect (it reads ${reads.length ? reads.join(', ') : 'none'})` });
    }
    if (!model.psp && pre && !pre.spike && !isSource(proj.pre))
      issues.push({ path: ['projections', i, 'pre'], message: `neuron '${pre.name}' of population '${proj.pre}' has no spike condition, so a spiking synapse from it transmits nothing (a rate-coded one reads it with psp)` });
    for (const name of model.preRefs)
      if (!neuronNames(pre ?? null).includes(name))
        issues.push({ path: ['projections', i, 'synapse'], message: `synapse '${model.name}' uses pre.${name}, but population '${proj.pre}' has no '${name}'` });
    for (const name of model.postRefs)
      if (!neuronNames(post ?? null).includes(name))
        issues.push({ path: ['projections', i, 'synapse'], message: `synapse '${model.name}' uses post.${name}, but population '${proj.post}' has no '${name}'` });
    const names = synapseNames(model);
    for (const key of Object.keys(proj.values))
      if (!names.includes(key))
        issues.push({ path: ['projections', i, 'values', key], message: `'${key}' is not a parameter or variable of synapse '${model.name}' (declared: ${names.join(', ')})` });
  });
  spec.monitors.forEach((m, i) => {
    const popIndex = index.get(m.target);
    const projIndex = spec.projections.findIndex((p) => p.name === m.target);
    const names = popIndex !== undefined ? ['spike', ...neuronNames(neurons[popIndex])] : projIndex >= 0 && synapses[projIndex] ? synapseNames(synapses[projIndex]!) : null;
    if (!names) return;
    for (const [k, v] of m.variables.entries())
      if (!names.includes(v)) issues.push({ path: ['monitors', i, 'variables', k], message: `'${m.target}' has no variable '${v}' (recordable: ${names.join(', ')})` });
  });
  return { neurons, synapses: synapses as SynapseModel[], stops, issues };
}

/** The model a name refers to: one the spec declares, else a built-in (own names only: `constructor` is no model). */
export function namedModel<D>(declared: Readonly<Record<string, D>>, builtins: Readonly<Record<string, D>>, ref: string): D | undefined {
  if (Object.hasOwn(declared, ref)) return declared[ref];
  return Object.hasOwn(builtins, ref) ? builtins[ref] : undefined;
}

function lookup<D>(
  ref: string | D,
  declared: Record<string, D>,
  builtins: Readonly<Record<string, D>>,
  path: (string | number)[],
  issues: SpecIssue[],
  what: string,
): [string, D, (string | number)[]] | null {
  if (typeof ref !== 'string') return [JSON.stringify(ref), ref, path];
  if (Object.hasOwn(declared, ref)) return [`declared:${ref}`, declared[ref], [`${what}s`, ref]];
  if (Object.hasOwn(builtins, ref)) return [`builtin:${ref}`, builtins[ref], path];
  const known = [...Object.keys(declared), ...Object.keys(builtins), ...(what === 'neuron' ? [SPIKE_SOURCE] : [])];
  issues.push({ path, message: `unknown ${what} model '${ref}' (known: ${known.join(', ')})` });
  return null;
}
