// A run's protocol: phases run one after another, each for a duration, recording or not, after
// setting values (population and projection attributes, learning on/off) and optionally resetting
// the network. Written as a `protocol:` list in a network spec, or as nets-style sessions in an
// experiment file; both become the same Phase[].
import seedrandom from 'seedrandom';
import { neuronNames, resolveModels, synapseNames } from '../ir/models.js';
import { populationSize } from '../spec/check.js';
import type { SpecIssue } from '../spec/errors.js';
import type { NetworkSpec } from '../spec/schema.js';
import { describe, isMapping, type Params, type TreePath } from './tree.js';

export type SetAction =
  | {
      population: string;
      values: Record<string, number | number[]>;
      indices?: number[];
      /** A fraction of the units, chosen with selectUnits(size, proportion, seed, phase, population). */
      proportion?: number;
    }
  | { projection: string; values: Record<string, number> }
  | { learning: boolean; projections?: string[] };

export interface Phase {
  name: string;
  durationMs: number;
  record: boolean;
  set: SetAction[];
  reset: boolean | { populations?: boolean; projections?: boolean };
}

/** The fields a phase may have (beside its name): the YAML keys of a phase or a session model. */
export const PHASE_FIELDS = ['duration', 'record', 'set', 'reset'] as const;

/** One phase as written: its fields and where each is in the document (for messages). */
export interface PhaseSource {
  name: string;
  fields: Params;
  /** The document path of the node the phase comes from. */
  path: TreePath;
  /** The document path where a field's value was written (inherited fields point at the ancestor). */
  at(field: string): TreePath;
  /** Appended to messages about a field written outside `path` (inherited), e.g. "(in session 'high_input')". */
  about?: string;
}

/**
 * Phase sources → Phase[], checked against the network: durations > 0, booleans, set actions
 * that name declared populations/projections and attributes of their models, indices inside the
 * population, proportions in [0, 1], per-unit lists of the right length. Problems go to `issues`.
 */
export function buildProtocol(sources: PhaseSource[], network: NetworkSpec, issues: SpecIssue[]): Phase[] {
  const models = resolveModels(network);
  const populations = new Map(network.populations.map((p, i) => [p.name, { size: populationSize(p), names: models.neurons[i] ? neuronNames(models.neurons[i]) : [], model: models.neurons[i]?.name ?? String(p.neuron) }]));
  const projections = new Map(network.projections.map((p, i) => [p.name, { names: models.synapses[i] ? synapseNames(models.synapses[i]) : [], model: models.synapses[i]?.name ?? String(p.synapse) }]));
  const seen = new Set<string>();
  return sources.map((source) => {
    const inside = (path: TreePath) => source.path.every((p, k) => path[k] === p);
    const report = (path: TreePath, message: string) => issues.push({ path, message: source.about && !inside(path) ? `${message} ${source.about}` : message });
    const f = source.fields;
    if (seen.has(source.name)) report(source.path, `duplicate phase name '${source.name}'`);
    seen.add(source.name);
    for (const key of Object.keys(f))
      if (!(PHASE_FIELDS as readonly string[]).includes(key)) report(source.at(key), `unknown phase field '${key}' (expected ${PHASE_FIELDS.join(', ')})`);

    let durationMs = NaN;
    if (f.duration === undefined) report(source.path, 'a phase needs a duration (ms)');
    else if (typeof f.duration !== 'number' || !Number.isFinite(f.duration) || f.duration <= 0) report(source.at('duration'), `duration must be a number of ms > 0, got ${describe(f.duration)}`);
    else durationMs = f.duration;

    let record = true;
    if (f.record !== undefined) {
      if (typeof f.record !== 'boolean') report(source.at('record'), `record must be true or false, got ${describe(f.record)}`);
      else record = f.record;
    }

    let reset: Phase['reset'] = false;
    if (f.reset !== undefined) {
      if (typeof f.reset === 'boolean') reset = f.reset;
      else if (isMapping(f.reset)) {
        const r: { populations?: boolean; projections?: boolean } = {};
        for (const [key, value] of Object.entries(f.reset)) {
          if (key !== 'populations' && key !== 'projections') report([...source.at('reset'), key], `unknown reset field '${key}' (expected populations, projections)`);
          else if (typeof value !== 'boolean') report([...source.at('reset'), key], `expected true or false, got ${describe(value)}`);
          else r[key] = value;
        }
        reset = r;
      } else report(source.at('reset'), `reset must be true, false or { populations, projections }, got ${describe(f.reset)}`);
    }

    const set: SetAction[] = [];
    if (f.set !== undefined && f.set !== null) {
      if (!Array.isArray(f.set)) report(source.at('set'), `set must be a list of changes, got ${describe(f.set)}`);
      else f.set.forEach((raw, k) => {
        const action = parseSetAction(raw, [...source.at('set'), k], report);
        if (action) set.push(action);
      });
    }
    return { name: source.name, durationMs, record, set, reset };
  });

  function parseSetAction(raw: unknown, at: TreePath, report: (path: TreePath, message: string) => void): SetAction | null {
    if (!isMapping(raw)) {
      report(at, `expected a change such as { population: p, values: { … } }, { projection: q, values: { … } } or { learning: false }, got ${describe(raw)}`);
      return null;
    }
    const kinds = ['population', 'layer', 'projection', 'learning'].filter((k) => k in raw);
    if (kinds.length !== 1) {
      report(at, kinds.length === 0 ? 'a change names a population (or layer), a projection, or learning' : `a change names one of population/layer, projection, learning — got ${kinds.join(', ')}`);
      return null;
    }
    const kind = kinds[0];
    const allowed = kind === 'learning' ? ['learning', 'projections'] : kind === 'projection' ? ['projection', 'values'] : [kind, 'values', 'indices', 'proportion'];
    let ok = true;
    for (const key of Object.keys(raw))
      if (!allowed.includes(key)) {
        report([...at, key], `unknown field '${key}' in a ${kind} change (expected ${allowed.join(', ')})`);
        ok = false;
      }

    if (kind === 'learning') {
      if (typeof raw.learning !== 'boolean') {
        report([...at, 'learning'], `learning must be true or false, got ${describe(raw.learning)}`);
        return null;
      }
      if (raw.projections === undefined) return ok ? { learning: raw.learning } : null;
      if (!Array.isArray(raw.projections) || raw.projections.some((p) => typeof p !== 'string')) {
        report([...at, 'projections'], 'projections must be a list of projection names');
        return null;
      }
      (raw.projections as string[]).forEach((p, k) => {
        if (!projections.has(p)) {
          report([...at, 'projections', k], `unknown projection '${p}' (declared: ${[...projections.keys()].join(', ') || 'none'})`);
          ok = false;
        }
      });
      return ok ? { learning: raw.learning, projections: [...(raw.projections as string[])] } : null;
    }

    const target = raw[kind];
    if (typeof target !== 'string') {
      report([...at, kind], `expected a ${kind === 'projection' ? 'projection' : 'population'} name, got ${describe(target)}`);
      return null;
    }
    if (!isMapping(raw.values) || Object.keys(raw.values).length === 0) {
      report([...at, 'values'], `a change needs values: a mapping of attribute names to new values, got ${describe(raw.values)}`);
      return null;
    }

    if (kind === 'projection') {
      const proj = projections.get(target);
      if (!proj) {
        report([...at, kind], `unknown projection '${target}' (declared: ${[...projections.keys()].join(', ') || 'none'})`);
        return null;
      }
      const values: Record<string, number> = {};
      for (const [key, value] of Object.entries(raw.values)) {
        if (!proj.names.includes(key)) {
          report([...at, 'values', key], `'${key}' is not a parameter or variable of synapse '${proj.model}' of projection '${target}' (declared: ${proj.names.join(', ')})`);
          ok = false;
        } else if (typeof value !== 'number' || !Number.isFinite(value)) {
          report([...at, 'values', key], `expected a number, got ${describe(value)}`);
          ok = false;
        } else values[key] = value;
      }
      return ok ? { projection: target, values } : null;
    }

    const pop = populations.get(target);
    if (!pop) {
      report([...at, kind], `unknown ${kind} '${target}' (declared: ${[...populations.keys()].join(', ')})`);
      return null;
    }
    let selected = pop.size;
    let indices: number[] | undefined;
    let proportion: number | undefined;
    if (raw.indices !== undefined && raw.proportion !== undefined) {
      report(at, 'give indices or proportion, not both');
      ok = false;
    }
    if (raw.indices !== undefined) {
      if (!Array.isArray(raw.indices)) {
        report([...at, 'indices'], `indices must be a list of unit indices, got ${describe(raw.indices)}`);
        ok = false;
      } else {
        const seenIndex = new Set<number>();
        raw.indices.forEach((v, k) => {
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= pop.size) {
            report([...at, 'indices', k], `expected an index from 0 to ${pop.size - 1} ('${target}' has ${pop.size} units), got ${describe(v)}`);
            ok = false;
          } else if (seenIndex.has(v)) {
            report([...at, 'indices', k], `index ${v} is listed twice`);
            ok = false;
          }
          seenIndex.add(v as number);
        });
        indices = [...(raw.indices as number[])];
        selected = indices.length;
      }
    }
    if (raw.proportion !== undefined) {
      if (typeof raw.proportion !== 'number' || !(raw.proportion >= 0 && raw.proportion <= 1)) {
        report([...at, 'proportion'], `proportion must be a number from 0 to 1, got ${describe(raw.proportion)}`);
        ok = false;
      } else {
        proportion = raw.proportion;
        selected = proportionCount(pop.size, proportion);
      }
    }
    const values: Record<string, number | number[]> = {};
    for (const [key, value] of Object.entries(raw.values)) {
      if (!pop.names.includes(key)) {
        report([...at, 'values', key], `'${key}' is not a parameter or variable of neuron '${pop.model}' of population '${target}' (declared: ${pop.names.join(', ') || 'none'})`);
        ok = false;
      } else if (typeof value === 'number' && Number.isFinite(value)) {
        values[key] = value;
      } else if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        if (value.length !== selected) {
          report([...at, 'values', key], `expected ${selected} values (one per selected unit), got ${value.length}`);
          ok = false;
        } else values[key] = [...value];
      } else {
        report([...at, 'values', key], `expected a number or a list of numbers (one per selected unit), got ${describe(value)}`);
        ok = false;
      }
    }
    if (!ok) return null;
    return { population: target, values, ...(indices ? { indices } : {}), ...(proportion !== undefined ? { proportion } : {}) };
  }
}

/** How many units a proportion selects: round(proportion × size). */
export function proportionCount(size: number, proportion: number): number {
  return Math.round(proportion * size);
}

/**
 * The units a `proportion` change selects: round(proportion × size) distinct indices, ascending,
 * drawn with seedrandom keyed by "<seed>:<phase>:<population>" (a partial Fisher–Yates shuffle),
 * so the same experiment seed, phase name and population always select the same units.
 */
export function selectUnits(size: number, proportion: number, seed: number, phase: string, population: string): number[] {
  if (!(proportion >= 0 && proportion <= 1)) throw new RangeError(`proportion must be from 0 to 1, got ${proportion}`);
  const count = proportionCount(size, proportion);
  const rng = seedrandom(`${seed}:${phase}:${population}`);
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (size - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, count).sort((a, b) => a - b);
}
