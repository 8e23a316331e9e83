// BOLD monitors (ANNarchy's boldmonitor) resolved for the IR. Each compiles to a population of one
// unit whose neuron model is the BOLD model, appended after the spec's populations, so every
// backend integrates it in the step like any other population (and checkpoints, resumes and
// resets it with them). Its inputs are filled before the neuron updates, as ANNarchy's
// AccProjection does: for each mapped input, each recorded population contributes
// scale × mean(variable) — the mean over its neurons of the variable after the previous step —
// or, with a baseline window of N steps from the monitor's start, nothing during the window and
// then scale × (mean − baseline) / (|baseline| + 1e-7), the baseline being the window's mean.
import { EquationErrors, formatIssue, parseNeuron, type NeuronModel } from '../equations/index.js';
import { BOLD_MODELS, type BoldModel } from '../models/bold.js';
import type { SpecIssue } from '../spec/errors.js';
import type { BoldMonitorSpec, NetworkSpec } from '../spec/schema.js';
import { neuronNames } from './models.js';

/** One recorded population's contribution to one input. */
export interface BoldSourceIR {
  population: number;
  variable: string;
  /** Elements of the variable's array: 1 for a shared variable, else the population's size. */
  length: number;
}

export interface BoldInputIR {
  /** The model input it fills, read by the model with sum(target). */
  target: string;
  sources: BoldSourceIR[];
}

/** What makes a population the BOLD monitor's model unit. */
export interface BoldIR {
  /** Index in spec.boldMonitors. */
  monitor: number;
  inputs: BoldInputIR[];
  /** First of its runtime values: the start step, then per source its scale and baseline steps. */
  slot: number;
}

export interface ResolvedBoldMonitor {
  name: string;
  model: NeuronModel;
  definition: BoldModel;
  /** The recorded variables, the model's output included (ANNarchy adds it). */
  recorded: string[];
}

export const boldMonitorName = (m: BoldMonitorSpec, index: number): string => m.name ?? `bold${index}`;

/** The variables a BOLD monitor records: its model's output first unless listed, then those asked for. */
export function boldRecorded(m: BoldMonitorSpec): string[] {
  const output = BOLD_MODELS[m.model]?.output;
  return output === undefined || m.recordedVariables.includes(output) ? [...m.recordedVariables] : [output, ...m.recordedVariables];
}

/** Runtime values of a BOLD monitor: the start step, then scale and baseline steps per source. */
export const boldValueCount = (m: BoldMonitorSpec, model: BoldModel): number => 1 + 2 * Object.keys(m.mapping).filter((k) => model.inputs.includes(k)).length * m.populations.length;

/** Parses every BOLD monitor's model and checks the monitor against the network. */
export function resolveBoldMonitors(spec: NetworkSpec, neurons: (NeuronModel | null)[]): { monitors: ResolvedBoldMonitor[]; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const monitors: ResolvedBoldMonitor[] = [];
  const index = new Map(spec.populations.map((p, i) => [p.name, i]));
  (spec.boldMonitors ?? []).forEach((m, i) => {
    const at = (...rest: (string | number)[]) => ['boldMonitors', i, ...rest];
    const definition = Object.hasOwn(BOLD_MODELS, m.model) ? BOLD_MODELS[m.model] : undefined;
    if (!definition) {
      issues.push({ path: at('model'), message: `unknown BOLD model '${m.model}' (known: ${Object.keys(BOLD_MODELS).join(', ')})` });
      return;
    }
    let model: NeuronModel;
    try {
      model = parseNeuron({ ...definition.description, method: spec.config.method }, { constants: Object.keys(spec.constants) });
    } catch (e) {
      if (!(e instanceof EquationErrors)) throw e;
      for (const x of e.issues) issues.push({ path: at('model'), message: formatIssue(x) });
      return;
    }
    const parameters = model.parameters.map((p) => p.name);
    for (const key of Object.keys(m.parameters))
      if (!parameters.includes(key)) issues.push({ path: at('parameters', key), message: `'${key}' is not a parameter of BOLD model '${m.model}' (parameters: ${parameters.join(', ')})` });
    for (const [input, variable] of Object.entries(m.mapping)) {
      if (!definition.inputs.includes(input)) issues.push({ path: at('mapping', input), message: `'${input}' is not an input of BOLD model '${m.model}' (inputs: ${definition.inputs.join(', ')})` });
      m.populations.forEach((name, k) => {
        const p = index.get(name);
        if (p === undefined) return;
        const names = neuronNames(neurons[p]);
        if (!names.includes(variable)) issues.push({ path: at('mapping', input), message: `population '${name}' (populations[${k}]) has no variable '${variable}' to feed ${input} (has: ${names.join(', ') || 'none: a spike source'})` });
      });
    }
    m.populations.forEach((name, k) => {
      if (!index.has(name)) issues.push({ path: at('populations', k), message: `unknown population '${name}' (declared: ${spec.populations.map((p) => p.name).join(', ')})` });
    });
    const perPopulation = (field: 'scaleFactor' | 'normalizeInput') => {
      const given = m[field];
      if (Array.isArray(given) && given.length !== m.populations.length)
        issues.push({ path: at(field), message: `expected one value per recorded population (${m.populations.length}), got ${given.length}` });
    };
    perPopulation('scaleFactor');
    perPopulation('normalizeInput');
    const variables = model.variables.map((v) => v.name);
    m.recordedVariables.forEach((v, k) => {
      if (!variables.includes(v)) issues.push({ path: at('recordedVariables', k), message: `BOLD model '${m.model}' has no variable '${v}' (variables: ${variables.join(', ')})` });
    });
    monitors.push({ name: boldMonitorName(m, i), model, definition, recorded: boldRecorded(m) });
  });
  return { monitors, issues };
}

/** The inputs of monitor `m` (mapped inputs in the model's order, populations in the monitor's). */
export function boldInputs(m: BoldMonitorSpec, definition: BoldModel, spec: NetworkSpec, neurons: (NeuronModel | null)[], sizes: number[]): BoldInputIR[] {
  const index = new Map(spec.populations.map((p, i) => [p.name, i]));
  return definition.inputs.filter((input) => input in m.mapping).map((target) => ({
    target,
    sources: m.populations.map((name) => {
      const population = index.get(name)!;
      const variable = m.mapping[target];
      const model = neurons[population]!;
      const shared = [...model.parameters, ...model.variables].find((x) => x.name === variable)?.shared ?? false;
      return { population, variable, length: shared ? 1 : sizes[population] };
    }),
  }));
}

/** Scale and baseline steps of each source, in the order of boldInputs (ANNarchy's defaults: each population's share of the recorded neurons; no baseline). */
export function boldSourceValues(m: BoldMonitorSpec, inputs: BoldInputIR[], sizes: number[], dt: number): number[] {
  const total = inputs[0]?.sources.reduce((a, s) => a + sizes[s.population], 0) ?? 0;
  return inputs.flatMap((input) => input.sources.flatMap((s, k) => {
    const scale = m.scaleFactor ? m.scaleFactor[k] : sizes[s.population] / total;
    const window = Array.isArray(m.normalizeInput) ? m.normalizeInput[k] : m.normalizeInput;
    return [scale, Math.round(window / dt)];
  }));
}
