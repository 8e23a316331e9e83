// The `connections:` list × connection_models leaves → NetworkSpec projections. A connection is
// [pre layer, post layer, connection model] or { pre, post, model, name?, params? }; its own
// params override its model's, as a child node would. Default names are `<pre>_<post>`, with
// `_<model>` added when two connections would share one.
import { builtinSynapses } from '../../models/synapses.js';
import { describe, formatTreePath, isMapping, type Params, type ResolvedTree, type TreePath } from '../tree.js';
import { at, extras, listOf, own, quoted, type Conversion } from './context.js';
import { LEAF_FIELDS } from './sections.js';

const CONNECTOR_FIELDS: Record<string, string[]> = {
  allToAll: ['weights', 'delays', 'allow_self_connections'],
  oneToOne: ['weights', 'delays'],
  fixedProbability: ['probability', 'weights', 'delays', 'allow_self_connections'],
  fixedNumberPre: ['number', 'weights', 'delays', 'allow_self_connections'],
  fixedNumberPost: ['number', 'weights', 'delays', 'allow_self_connections'],
};

interface ConnectionItem {
  pre: unknown;
  post: unknown;
  model: unknown;
  name?: unknown;
  params: Params;
  path: TreePath;
  /** Written as a [pre, post, model] list (paths then point at list positions). */
  list: boolean;
}

/** One connection, resolved against its model: where each field was written and what it says. */
interface Resolved {
  it: ConnectionItem;
  cm: ResolvedTree;
  /** The model's params overridden by the connection's own. */
  p: Params;
  base: (string | number)[];
  about: string;
  from: (key: string) => TreePath;
  ownHere: (key: string) => boolean;
}

export function connectionsToProjections(raw: Record<string, unknown>, c: Conversion): Record<string, unknown>[] {
  const items = parseConnections(raw, c);
  const defaultName = (it: ConnectionItem) => `${String(it.pre)}_${String(it.post)}`;
  const defaultCount = new Map<string, number>();
  for (const it of items) if (it.name === undefined) defaultCount.set(defaultName(it), (defaultCount.get(defaultName(it)) ?? 0) + 1);
  const projections: Record<string, unknown>[] = [];
  items.forEach((it, i) => {
    const cm = resolveEnds(it, c);
    if (!cm) return;
    const name = it.name ?? (defaultCount.get(defaultName(it))! > 1 ? `${defaultName(it)}_${String(it.model)}` : defaultName(it));
    projections.push(toProjection(c, it, cm, i, name));
  });
  return projections;
}

function parseConnections(raw: Record<string, unknown>, c: Conversion): ConnectionItem[] {
  const items: ConnectionItem[] = [];
  if (raw.connections === undefined || raw.connections === null) return items;
  if (!Array.isArray(raw.connections)) {
    c.bad(['connections'], `connections must be a list of [pre layer, post layer, connection model] or { pre, post, model, name?, params? }, got ${describe(raw.connections)}`);
    return items;
  }
  raw.connections.forEach((x, k) => {
    const path = ['connections', k];
    if (Array.isArray(x)) {
      if (x.length !== 3) c.bad(path, `expected [pre layer, post layer, connection model], got a list of ${x.length}`);
      else items.push({ pre: x[0], post: x[1], model: x[2], params: {}, path, list: true });
    } else if (isMapping(x)) {
      for (const key of Object.keys(x)) if (!['pre', 'post', 'model', 'name', 'params'].includes(key)) c.bad([...path, key], `unknown connection field '${key}' (expected pre, post, model, name, params)`);
      if (x.params !== undefined && x.params !== null && !isMapping(x.params)) c.bad([...path, 'params'], `params must be a mapping, got ${describe(x.params)}`);
      items.push({ pre: x.pre, post: x.post, model: x.model, name: x.name, params: isMapping(x.params) ? x.params : {}, path, list: false });
    } else c.bad(path, `expected [pre layer, post layer, connection model] or { pre, post, model, … }, got ${describe(x)}`);
  });
  return items;
}

const where = (it: ConnectionItem, key: 'pre' | 'post' | 'model' | 'name'): TreePath => (it.list ? [...it.path, ['pre', 'post', 'model'].indexOf(key)] : [...it.path, key]);

/** The connection's model, when both ends name layers and the model exists (else the issues say why). */
function resolveEnds(it: ConnectionItem, c: Conversion): ResolvedTree | undefined {
  let ok = true;
  for (const key of ['pre', 'post'] as const) {
    const layer = it[key];
    if (typeof layer !== 'string' || !c.leaves.layers.has(layer)) {
      c.bad(where(it, key), `${key} must name a layer (${listOf(c.leaves.layers)}), got ${quoted(layer)}`);
      ok = false;
    }
  }
  const cm = typeof it.model === 'string' ? c.leaves.connection_models.get(it.model) : undefined;
  if (!cm) {
    c.bad(where(it, 'model'), `unknown connection model ${typeof it.model === 'string' ? `'${it.model}'` : describe(it.model)} (connection_models leaves: ${listOf(c.leaves.connection_models)})`);
    return undefined;
  }
  return ok ? cm : undefined;
}

function toProjection(c: Conversion, it: ConnectionItem, cm: ResolvedTree, i: number, name: unknown): Record<string, unknown> {
  const r: Resolved = {
    it, cm, p: { ...cm.params, ...it.params }, base: ['projections', i],
    about: `${formatTreePath(it.path)}: ${String(it.pre)} → ${String(it.post)}, ${cm.name}`,
    from: (key) => (key in it.params ? [...it.path, 'params', key] : at(cm, key)),
    ownHere: (key) => key in it.params || own(cm, key),
  };
  const { p, base, about, from } = r;
  c.note(base, it.path, it.path, about);
  c.note([...base, 'name'], it.name !== undefined ? where(it, 'name') : it.path, it.path, about);
  c.note([...base, 'pre'], where(it, 'pre'), it.path, about);
  c.note([...base, 'post'], where(it, 'post'), it.path, about);
  const projection: Record<string, unknown> = { name, pre: it.pre, post: it.post };
  if (p.target === undefined) c.bad(cm.path, `connection model '${cm.name}' needs a target (the conductance its spikes add to, e.g. exc or inh)`);
  projection.target = p.target;
  c.note([...base, 'target'], from('target'), it.path, about);
  const values = applySynapse(c, r, projection);
  if (p.learning !== undefined) {
    projection.learning = p.learning;
    c.note([...base, 'learning'], from('learning'), it.path, about);
  }
  projection.connector = connectorOf(c, r);
  for (const key of Object.keys(p).filter((k) => !(LEAF_FIELDS.connection_models as readonly string[]).includes(k))) {
    values[key] = p[key];
    c.note([...base, 'values', key], from(key), it.path, about);
  }
  projection.values = Object.keys(values).length === 0 ? {} : values;
  return projection;
}

/** Sets the projection's synapse (and learning, from a synapse_models leaf); returns that leaf's values. */
function applySynapse(c: Conversion, { it, cm, p, base, about, from, ownHere }: Resolved, projection: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const synRef = p.synapse_model ?? 'static';
  if (typeof synRef !== 'string') {
    c.bad(from('synapse_model'), `synapse_model must be a name, got ${describe(synRef)}`);
    return values;
  }
  const sm = c.leaves.synapse_models.get(synRef);
  if (sm) {
    projection.synapse = sm.params.model ?? 'static';
    c.note([...base, 'synapse'], sm.params.model !== undefined ? at(sm, 'model') : sm.path, it.path, `${about}, synapse model '${synRef}'`);
    if (sm.params.learning !== undefined) {
      projection.learning = sm.params.learning;
      c.note([...base, 'learning'], at(sm, 'learning'), it.path, `${about}, synapse model '${synRef}'`);
    }
    for (const key of extras(sm, LEAF_FIELDS.synapse_models)) {
      values[key] = sm.params[key];
      c.note([...base, 'values', key], at(sm, key), it.path, `${about}, synapse model '${synRef}'`);
    }
  } else if (c.knownSynapse(synRef)) {
    projection.synapse = synRef;
    c.note([...base, 'synapse'], p.synapse_model === undefined ? cm.path : from('synapse_model'), it.path, about);
  } else c.bad(from('synapse_model'), `unknown synapse model '${synRef}' (synapse_models leaves: ${listOf(c.leaves.synapse_models)}; built-in: ${Object.keys(builtinSynapses).join(', ')})${ownHere('synapse_model') ? '' : ` (${about})`}`);
  return values;
}

/** The connector: its type and the fields that type takes. */
function connectorOf(c: Conversion, { it, cm, p, base, about, from, ownHere }: Resolved): Record<string, unknown> {
  const type = p.type;
  const connector: Record<string, unknown> = { type };
  c.note([...base, 'connector'], type === undefined ? cm.path : from('type'), it.path, about);
  if (type === undefined) c.bad(cm.path, `connection model '${cm.name}' needs a type (${[...Object.keys(CONNECTOR_FIELDS)].join(', ')})`);
  else if (typeof type === 'string' && CONNECTOR_FIELDS[type]) {
    const fields = CONNECTOR_FIELDS[type];
    for (const key of ['probability', 'number', 'weights', 'delays', 'allow_self_connections']) {
      if (p[key] === undefined) continue;
      if (!fields.includes(key)) {
        // An inherited field another connector type uses is ignored; one written here is a mistake.
        if (ownHere(key)) c.bad(from(key), `'${key}' does not apply to a ${type} connector (it takes ${fields.join(', ')})`);
        continue;
      }
      const specKey = key === 'allow_self_connections' ? 'allowSelfConnections' : key;
      connector[specKey] = p[key];
      c.note([...base, 'connector', specKey], from(key), it.path, about);
    }
  } else if (type === 'fromSparse') c.bad(from('type'), 'fromSparse connectivity is not available in experiment files; write it in a network spec (projections[].connector)');
  return connector;
}
