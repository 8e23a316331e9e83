// A nets-style experiment (trees of neuron models, synapse models, layers, connection models and
// recorders; a list of connections; session models and the list of sessions) → the one validated
// NetworkSpec plus its protocol. Every value in the NetworkSpec remembers where in the experiment
// it was written, so the NetworkSpec validators' messages point at the experiment's tree path and
// line.
import { SPIKE_SOURCE } from '../ir/models.js';
import { builtinNeurons } from '../models/neurons.js';
import { builtinSynapses } from '../models/synapses.js';
import { SpecError, type SpecIssue } from '../spec/errors.js';
import { validateNetworkSpec } from '../spec/load.js';
import type { NetworkSpec, NetworkSpecInput } from '../spec/schema.js';
import type { Locator } from '../spec/yaml.js';
import { buildProtocol, type Phase, type PhaseSource } from './protocol.js';
import {
  describe, formatTreePath, isMapping, locatedError, namedLeaves, resolveTreeInto, toPlainTree,
  type Params, type PlainTree, type ResolvedTree, type TreePath,
} from './tree.js';

/** The tree sections of an experiment file, in the order they are resolved and printed. */
export const TREE_SECTIONS = ['neuron_models', 'synapse_models', 'layers', 'connection_models', 'recorders', 'session_models'] as const;
export type TreeSection = (typeof TREE_SECTIONS)[number];
/** The other top-level keys of an experiment file. */
export const PLAIN_KEYS = ['name', 'dt', 'seed', 'duration', 'constants', 'config', 'compiler_flags', 'models', 'connections', 'sessions'] as const;

/** Keys of a leaf's params that configure the item itself; every other key is a model value. */
export const LEAF_FIELDS = {
  neuron_models: ['model'],
  synapse_models: ['model', 'learning'],
  layers: ['n', 'geometry', 'neuron_model', 'spike_times', 'stop_condition'],
  connection_models: ['type', 'probability', 'number', 'weights', 'delays', 'allow_self_connections', 'synapse_model', 'target', 'learning'],
  recorders: ['layer', 'projection', 'variables', 'period', 'start', 'indices'],
} as const;

const CONNECTOR_FIELDS: Record<string, string[]> = {
  allToAll: ['weights', 'delays', 'allow_self_connections'],
  oneToOne: ['weights', 'delays'],
  fixedProbability: ['probability', 'weights', 'delays', 'allow_self_connections'],
  fixedNumberPre: ['number', 'weights', 'delays', 'allow_self_connections'],
  fixedNumberPost: ['number', 'weights', 'delays', 'allow_self_connections'],
};

export interface Experiment {
  network: NetworkSpec;
  /** The phases to run, or null when the file has none (run for the network's duration). */
  protocol: Phase[] | null;
}

export interface ConvertedExperiment extends Experiment {
  /** The experiment with every tree resolved (for `spikesweep tree` and provenance). */
  tree: Record<string, unknown>;
}

type Origin = { spec: (string | number)[]; doc: TreePath; item: TreePath; about: string };

/** Resolves the trees of an experiment file; tree problems go to `issues`. */
export function resolveExperimentTrees(raw: Record<string, unknown>, issues: SpecIssue[]): Record<TreeSection, ResolvedTree> {
  const trees = {} as Record<TreeSection, ResolvedTree>;
  for (const section of TREE_SECTIONS) trees[section] = resolveTreeInto(raw[section] ?? null, [section], issues);
  return trees;
}

/** The experiment with its trees resolved, in plain form: what `spikesweep tree` prints. */
export function plainExperimentTree(raw: Record<string, unknown>, trees: Record<TreeSection, ResolvedTree>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    out[key] = (TREE_SECTIONS as readonly string[]).includes(key) ? toPlainTree(trees[key as TreeSection]) as PlainTree : raw[key];
  }
  return out;
}

export function isExperimentObject(raw: Record<string, unknown>): boolean {
  return TREE_SECTIONS.some((s) => s in raw) || 'connections' in raw || 'sessions' in raw;
}

/** Experiment (plain data from YAML) → validated { network, protocol }; throws a located SpecError. */
export function convertExperiment(raw: Record<string, unknown>, file: string, locate?: Locator): ConvertedExperiment {
  const issues: SpecIssue[] = [];
  const fail = () => locatedError(file, issues, locate, 'experiment');
  for (const key of Object.keys(raw))
    if (!(TREE_SECTIONS as readonly string[]).includes(key) && !(PLAIN_KEYS as readonly string[]).includes(key))
      issues.push({ path: [key], message: `unknown experiment section '${key}' (expected ${[...PLAIN_KEYS, ...TREE_SECTIONS].join(', ')})${key === 'populations' ? '; a file with populations is a network spec, not an experiment' : ''}` });
  const trees = resolveExperimentTrees(raw, issues);
  if (issues.length > 0) throw fail();
  const leaves = Object.fromEntries(TREE_SECTIONS.map((s) => [s, namedLeaves(trees[s], issues)])) as Record<TreeSection, Map<string, ResolvedTree>>;
  if (issues.length > 0) throw fail();

  const origins: Origin[] = [];
  const note = (spec: (string | number)[], doc: TreePath, item: ResolvedTree | TreePath, what: string) =>
    origins.push({ spec, doc, item: Array.isArray(item) ? item : item.path, about: what });
  const bad = (path: TreePath, message: string) => issues.push({ path, message });
  /** Where a leaf's field was written; a message suffix when that is an ancestor. */
  const at = (leaf: ResolvedTree, key: string) => leaf.origins[key] ?? leaf.path;
  const own = (leaf: ResolvedTree, key: string) => { const o = leaf.origins[key]; return o !== undefined && leaf.path.every((p, k) => o[k] === p); };
  const extras = (leaf: ResolvedTree, fields: readonly string[]) => Object.keys(leaf.params).filter((k) => !fields.includes(k));

  const models = isMapping(raw.models) ? raw.models : {};
  if (raw.models !== undefined && raw.models !== null && !isMapping(raw.models)) bad(['models'], `models must be a mapping with neurons and/or synapses, got ${describe(raw.models)}`);
  for (const key of Object.keys(models)) if (key !== 'neurons' && key !== 'synapses') bad(['models', key], `unknown models section '${key}' (expected neurons, synapses)`);
  const declaredNeurons = isMapping(models.neurons) ? models.neurons : {};
  const declaredSynapses = isMapping(models.synapses) ? models.synapses : {};
  const knownNeuron = (name: string) => name in declaredNeurons || name in builtinNeurons || name === SPIKE_SOURCE;
  const knownSynapse = (name: string) => name in declaredSynapses || name in builtinSynapses;
  const quoted = (v: unknown) => (typeof v === 'string' ? `'${v}'` : describe(v));
  const listOf = (m: Map<string, unknown>) => [...m.keys()].join(', ') || 'none';

  // Neuron models: `model` plus values.
  for (const leaf of leaves.neuron_models.values()) {
    const model = leaf.params.model;
    if (model === undefined) bad(leaf.path, `neuron model '${leaf.name}' needs a model (a built-in such as LIF_CUBA, or one declared under models.neurons)`);
    else if (typeof model === 'string' && !knownNeuron(model))
      bad(at(leaf, 'model'), `unknown neuron model '${model}' (built-in: ${[...Object.keys(builtinNeurons), SPIKE_SOURCE].join(', ')}; declared: ${Object.keys(declaredNeurons).join(', ') || 'none'})${own(leaf, 'model') ? '' : ` (neuron model '${leaf.name}')`}`);
    else if (typeof model !== 'string' && !isMapping(model)) bad(at(leaf, 'model'), `model must be a model name or a neuron description, got ${describe(model)}`);
  }
  // Synapse models: `model` (default static), learning, values.
  for (const leaf of leaves.synapse_models.values()) {
    const model = leaf.params.model;
    if (typeof model === 'string' && !knownSynapse(model))
      bad(at(leaf, 'model'), `unknown synapse model '${model}' (built-in: ${Object.keys(builtinSynapses).join(', ')}; declared: ${Object.keys(declaredSynapses).join(', ') || 'none'})${own(leaf, 'model') ? '' : ` (synapse model '${leaf.name}')`}`);
    else if (model !== undefined && typeof model !== 'string' && !isMapping(model)) bad(at(leaf, 'model'), `model must be a model name or a synapse description, got ${describe(model)}`);
  }

  // Layers → populations.
  const populations: Record<string, unknown>[] = [];
  [...leaves.layers.values()].forEach((leaf, i) => {
    const p = leaf.params;
    const base: (string | number)[] = ['populations', i];
    note(base, leaf.path, leaf, `layer '${leaf.name}'`);
    note([...base, 'name'], leaf.path, leaf, `layer '${leaf.name}'`);
    const pop: Record<string, unknown> = { name: leaf.name };
    if (p.n !== undefined && p.geometry !== undefined) bad(own(leaf, 'geometry') ? at(leaf, 'geometry') : at(leaf, 'n'), `layer '${leaf.name}': give n or geometry, not both`);
    const sizeKey = p.geometry !== undefined ? 'geometry' : 'n';
    if (p[sizeKey] === undefined) bad(leaf.path, `layer '${leaf.name}' needs n (its number of units) or geometry`);
    pop.geometry = p[sizeKey];
    note([...base, 'geometry'], at(leaf, sizeKey), leaf, `layer '${leaf.name}'`);
    let values: Record<string, unknown> = {};
    const ref = p.neuron_model;
    if (ref === undefined) bad(leaf.path, `layer '${leaf.name}' needs a neuron_model (a leaf of neuron_models: ${listOf(leaves.neuron_models)}; or a built-in model)`);
    else if (typeof ref !== 'string') bad(at(leaf, 'neuron_model'), `neuron_model must be a name, got ${describe(ref)}`);
    else {
      const model = leaves.neuron_models.get(ref);
      if (model) {
        pop.neuron = model.params.model;
        note([...base, 'neuron'], at(model, 'model'), leaf, `layer '${leaf.name}', neuron model '${ref}'`);
        for (const key of extras(model, LEAF_FIELDS.neuron_models)) {
          values[key] = model.params[key];
          note([...base, 'values', key], at(model, key), leaf, `layer '${leaf.name}', neuron model '${ref}'`);
        }
      } else if (knownNeuron(ref)) {
        pop.neuron = ref;
        note([...base, 'neuron'], at(leaf, 'neuron_model'), leaf, `layer '${leaf.name}'`);
      } else bad(at(leaf, 'neuron_model'), `unknown neuron model '${ref}' (neuron_models leaves: ${listOf(leaves.neuron_models)}; built-in: ${Object.keys(builtinNeurons).join(', ')})${own(leaf, 'neuron_model') ? '' : ` (layer '${leaf.name}')`}`);
    }
    for (const key of extras(leaf, LEAF_FIELDS.layers)) {
      values[key] = p[key];
      note([...base, 'values', key], at(leaf, key), leaf, `layer '${leaf.name}'`);
    }
    if (Object.keys(values).length === 0) values = {};
    pop.values = values;
    if (p.spike_times !== undefined) {
      pop.spikeTimes = p.spike_times;
      note([...base, 'spikeTimes'], at(leaf, 'spike_times'), leaf, `layer '${leaf.name}'`);
    }
    if (p.stop_condition !== undefined) {
      pop.stopCondition = p.stop_condition;
      note([...base, 'stopCondition'], at(leaf, 'stop_condition'), leaf, `layer '${leaf.name}'`);
    }
    populations.push(pop);
  });

  // Connections list × connection models → projections.
  const items: { pre: unknown; post: unknown; model: unknown; name?: unknown; params: Params; path: TreePath; list: boolean }[] = [];
  if (raw.connections !== undefined && raw.connections !== null) {
    if (!Array.isArray(raw.connections)) bad(['connections'], `connections must be a list of [pre layer, post layer, connection model] or { pre, post, model, name?, params? }, got ${describe(raw.connections)}`);
    else raw.connections.forEach((c, k) => {
      const path = ['connections', k];
      if (Array.isArray(c)) {
        if (c.length !== 3) bad(path, `expected [pre layer, post layer, connection model], got a list of ${c.length}`);
        else items.push({ pre: c[0], post: c[1], model: c[2], params: {}, path, list: true });
      } else if (isMapping(c)) {
        for (const key of Object.keys(c)) if (!['pre', 'post', 'model', 'name', 'params'].includes(key)) bad([...path, key], `unknown connection field '${key}' (expected pre, post, model, name, params)`);
        if (c.params !== undefined && c.params !== null && !isMapping(c.params)) bad([...path, 'params'], `params must be a mapping, got ${describe(c.params)}`);
        items.push({ pre: c.pre, post: c.post, model: c.model, name: c.name, params: isMapping(c.params) ? c.params : {}, path, list: false });
      } else bad(path, `expected [pre layer, post layer, connection model] or { pre, post, model, … }, got ${describe(c)}`);
    });
  }
  const defaultName = (it: (typeof items)[number]) => `${String(it.pre)}_${String(it.post)}`;
  const defaultCount = new Map<string, number>();
  for (const it of items) if (it.name === undefined) defaultCount.set(defaultName(it), (defaultCount.get(defaultName(it)) ?? 0) + 1);
  const projections: Record<string, unknown>[] = [];
  items.forEach((it, i) => {
    const base: (string | number)[] = ['projections', i];
    const where = (key: 'pre' | 'post' | 'model' | 'name'): TreePath => (it.list ? [...it.path, ['pre', 'post', 'model'].indexOf(key)] : [...it.path, key]);
    let ok = true;
    for (const key of ['pre', 'post'] as const) {
      const layer = it[key];
      if (typeof layer !== 'string' || !leaves.layers.has(layer)) {
        bad(where(key), `${key} must name a layer (${listOf(leaves.layers)}), got ${quoted(layer)}`);
        ok = false;
      }
    }
    const cm = typeof it.model === 'string' ? leaves.connection_models.get(it.model) : undefined;
    if (!cm) {
      bad(where('model'), `unknown connection model ${typeof it.model === 'string' ? `'${it.model}'` : describe(it.model)} (connection_models leaves: ${listOf(leaves.connection_models)})`);
      return;
    }
    if (!ok) return;
    const name = it.name ?? (defaultCount.get(defaultName(it))! > 1 ? `${defaultName(it)}_${String(it.model)}` : defaultName(it));
    const about = `${formatTreePath(it.path)}: ${String(it.pre)} → ${String(it.post)}, ${cm.name}`;
    // The connection's own params override its model's, as a child node would.
    const p: Params = { ...cm.params, ...it.params };
    const from = (key: string): TreePath => (key in it.params ? [...it.path, 'params', key] : at(cm, key));
    const ownHere = (key: string) => key in it.params || own(cm, key);
    note(base, it.path, it.path, about);
    note([...base, 'name'], it.name !== undefined ? where('name') : it.path, it.path, about);
    note([...base, 'pre'], where('pre'), it.path, about);
    note([...base, 'post'], where('post'), it.path, about);
    const projection: Record<string, unknown> = { name, pre: it.pre, post: it.post };
    if (p.target === undefined) bad(cm.path, `connection model '${cm.name}' needs a target (the conductance its spikes add to, e.g. exc or inh)`);
    projection.target = p.target;
    note([...base, 'target'], from('target'), it.path, about);
    let values: Record<string, unknown> = {};
    const synRef = p.synapse_model ?? 'static';
    if (typeof synRef !== 'string') bad(from('synapse_model'), `synapse_model must be a name, got ${describe(synRef)}`);
    else {
      const sm = leaves.synapse_models.get(synRef);
      if (sm) {
        projection.synapse = sm.params.model ?? 'static';
        note([...base, 'synapse'], sm.params.model !== undefined ? at(sm, 'model') : sm.path, it.path, `${about}, synapse model '${synRef}'`);
        if (sm.params.learning !== undefined) {
          projection.learning = sm.params.learning;
          note([...base, 'learning'], at(sm, 'learning'), it.path, `${about}, synapse model '${synRef}'`);
        }
        for (const key of extras(sm, LEAF_FIELDS.synapse_models)) {
          values[key] = sm.params[key];
          note([...base, 'values', key], at(sm, key), it.path, `${about}, synapse model '${synRef}'`);
        }
      } else if (knownSynapse(synRef)) {
        projection.synapse = synRef;
        note([...base, 'synapse'], p.synapse_model === undefined ? cm.path : from('synapse_model'), it.path, about);
      } else bad(from('synapse_model'), `unknown synapse model '${synRef}' (synapse_models leaves: ${listOf(leaves.synapse_models)}; built-in: ${Object.keys(builtinSynapses).join(', ')})${ownHere('synapse_model') ? '' : ` (${about})`}`);
    }
    if (p.learning !== undefined) {
      projection.learning = p.learning;
      note([...base, 'learning'], from('learning'), it.path, about);
    }
    const type = p.type;
    const connector: Record<string, unknown> = { type };
    note([...base, 'connector'], type === undefined ? cm.path : from('type'), it.path, about);
    if (type === undefined) bad(cm.path, `connection model '${cm.name}' needs a type (${[...Object.keys(CONNECTOR_FIELDS)].join(', ')})`);
    else if (typeof type === 'string' && CONNECTOR_FIELDS[type]) {
      const fields = CONNECTOR_FIELDS[type];
      for (const key of ['probability', 'number', 'weights', 'delays', 'allow_self_connections']) {
        if (p[key] === undefined) continue;
        if (!fields.includes(key)) {
          // An inherited field another connector type uses is ignored; one written here is a mistake.
          if (ownHere(key)) bad(from(key), `'${key}' does not apply to a ${type} connector (it takes ${fields.join(', ')})`);
          continue;
        }
        const specKey = key === 'allow_self_connections' ? 'allowSelfConnections' : key;
        connector[specKey] = p[key];
        note([...base, 'connector', specKey], from(key), it.path, about);
      }
    } else if (type === 'fromSparse') bad(from('type'), 'fromSparse connectivity is not available in experiment files; write it in a network spec (projections[].connector)');
    projection.connector = connector;
    for (const key of Object.keys(p).filter((k) => !(LEAF_FIELDS.connection_models as readonly string[]).includes(k))) {
      values[key] = p[key];
      note([...base, 'values', key], from(key), it.path, about);
    }
    if (Object.keys(values).length === 0) values = {};
    projection.values = values;
    projections.push(projection);
  });
  const projectionNames = new Set(projections.map((p) => p.name as string));

  // Recorders → monitors.
  const monitors: Record<string, unknown>[] = [];
  [...leaves.recorders.values()].forEach((leaf, i) => {
    const p = leaf.params;
    const base: (string | number)[] = ['monitors', i];
    const about = `recorder '${leaf.name}'`;
    note(base, leaf.path, leaf, about);
    note([...base, 'name'], leaf.path, leaf, about);
    for (const key of extras(leaf, LEAF_FIELDS.recorders)) bad(at(leaf, key), `unknown recorder field '${key}' (expected ${LEAF_FIELDS.recorders.join(', ')})${own(leaf, key) ? '' : ` (${about})`}`);
    const monitor: Record<string, unknown> = { name: leaf.name };
    if ((p.layer === undefined) === (p.projection === undefined)) {
      bad(leaf.path, `recorder '${leaf.name}' records one layer or one projection: give layer or projection`);
      return;
    }
    const key = p.layer !== undefined ? 'layer' : 'projection';
    const target = p[key];
    if (key === 'layer' && (typeof target !== 'string' || !leaves.layers.has(target))) bad(at(leaf, key), `unknown layer ${quoted(target)} (layers: ${listOf(leaves.layers)})${own(leaf, key) ? '' : ` (${about})`}`);
    if (key === 'projection' && (typeof target !== 'string' || !projectionNames.has(target))) bad(at(leaf, key), `unknown projection ${quoted(target)} (connections: ${[...projectionNames].join(', ') || 'none'})${own(leaf, key) ? '' : ` (${about})`}`);
    monitor.target = target;
    note([...base, 'target'], at(leaf, key), leaf, about);
    for (const field of ['variables', 'period', 'start', 'indices']) {
      if (p[field] === undefined) continue;
      monitor[field] = p[field];
      note([...base, field], at(leaf, field), leaf, about);
    }
    if (p.variables === undefined) bad(leaf.path, `recorder '${leaf.name}' needs variables (e.g. [spike] or [v])`);
    monitors.push(monitor);
  });
  if (issues.length > 0) throw fail();

  // The NetworkSpec, validated by the NetworkSpec validators; their paths mapped back here.
  const input: Record<string, unknown> = {};
  for (const key of ['name', 'dt', 'seed', 'constants', 'config'] as const) if (raw[key] !== undefined) input[key] = raw[key];
  if (raw.compiler_flags !== undefined) {
    input.compilerFlags = raw.compiler_flags;
    note(['compilerFlags'], ['compiler_flags'], ['compiler_flags'], 'compiler_flags');
  }
  if (models.neurons !== undefined) {
    input.neurons = models.neurons;
    note(['neurons'], ['models', 'neurons'], ['models', 'neurons'], 'models.neurons');
  }
  if (models.synapses !== undefined) {
    input.synapses = models.synapses;
    note(['synapses'], ['models', 'synapses'], ['models', 'synapses'], 'models.synapses');
  }
  input.populations = populations;
  input.projections = projections;
  input.monitors = monitors;
  if (raw.duration !== undefined) input.duration = raw.duration;

  const mapIssue = (issue: SpecIssue): SpecIssue => {
    let best: Origin | undefined;
    for (const o of origins)
      if (o.spec.length <= issue.path.length && o.spec.every((p, k) => issue.path[k] === p) && (!best || o.spec.length > best.spec.length)) best = o;
    if (!best) return issue; // top-level keys keep their names
    const path = [...best.doc, ...issue.path.slice(best.spec.length)];
    const inside = best.item.every((p, k) => best!.doc[k] === p);
    return { ...issue, path, message: inside ? issue.message : `${issue.message} (${best.about})` };
  };
  let network: NetworkSpec;
  try {
    network = validateNetworkSpec(input as NetworkSpecInput, file);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    issues.push(...e.issues.map(mapIssue));
    throw fail();
  }

  // Sessions → protocol.
  let protocol: Phase[] | null = null;
  const sessionModels = leaves.session_models;
  let order: { name: unknown; path: TreePath }[] | null = null;
  if (raw.sessions !== undefined && raw.sessions !== null) {
    if (!Array.isArray(raw.sessions)) bad(['sessions'], `sessions must be a list of session model names, got ${describe(raw.sessions)}`);
    else order = raw.sessions.map((name, k) => ({ name, path: ['sessions', k] }));
  } else if (sessionModels.size > 0) order = [...sessionModels.keys()].map((name) => ({ name, path: sessionModels.get(name)!.path }));
  if (order) {
    const count = new Map<string, number>();
    for (const o of order) if (typeof o.name === 'string') count.set(o.name, (count.get(o.name) ?? 0) + 1);
    const seen = new Map<string, number>();
    const sources: PhaseSource[] = [];
    for (const o of order) {
      const leaf = typeof o.name === 'string' ? sessionModels.get(o.name) : undefined;
      if (!leaf) {
        bad(o.path, `unknown session ${typeof o.name === 'string' ? `'${o.name}'` : describe(o.name)} (session_models leaves: ${listOf(sessionModels)})`);
        continue;
      }
      const k = (seen.get(leaf.name) ?? 0) + 1;
      seen.set(leaf.name, k);
      sources.push({
        name: count.get(leaf.name)! > 1 ? `${leaf.name}-${k}` : leaf.name,
        fields: leaf.params,
        path: leaf.path,
        at: (field) => at(leaf, field),
        about: `(session '${leaf.name}')`,
      });
    }
    protocol = buildProtocol(sources, network, issues);
    if (issues.length > 0) throw fail();
    if (network.duration === undefined && protocol.length > 0) network = { ...network, duration: protocol.reduce((t, p) => t + p.durationMs, 0) };
  }
  if (issues.length > 0) throw fail();
  return { network, protocol, tree: plainExperimentTree(raw, trees) };
}
