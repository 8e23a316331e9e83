// A run's phases on the step clock, and what happens at a phase start: reset (back to the state
// at build for populations and/or projections), then the `set` actions, then recording on or off.
// The clock never goes back: a reset restores arrays, not the time (t_ms keeps increasing through
// a run, so spike rows, the hash and the phase windows stay ordered).
import type { Sim, SimTypedArray } from '../../native/index.js';
import { selectUnits, type Phase, type SetAction } from '../../network/experiment/index.js';
import { SpecError, type SpecIssue } from '../../network/spec/errors.js';
import type { NetworkSpec } from '../../network/spec/schema.js';
import type { SimState } from '../../network/state/index.js';
import { stepsOf } from '../../network/spec/steps.js';
import { resetArrays } from '../reset.js';

export interface PlannedPhase extends Phase {
  index: number;
  startStep: number;
  /** Exclusive; truncated to the run's total. */
  endStep: number;
}

/**
 * Where each phase ends, in steps: its end time rounded to the nearest step, so that rounding does
 * not add up over many phases (four phases of 0.25 ms at dt = 0.1 are 10 steps, not 12).
 */
export function phaseEnds(protocol: Phase[], dt: number): number[] {
  let ms = 0;
  return protocol.map((p) => stepsOf((ms += p.durationMs), dt));
}

/** Steps of a whole protocol. */
export function protocolSteps(protocol: Phase[], dt: number): number {
  return phaseEnds(protocol, dt).at(-1) ?? 0;
}

/**
 * The phases that run within `totalSteps`: without a protocol one phase `main` over the whole run;
 * with one, the phases in order, the last one cut short when the run is shorter than the protocol.
 */
export function planPhases(protocol: Phase[] | null, totalSteps: number, dt: number): PlannedPhase[] {
  if (!protocol) return [{ name: 'main', durationMs: totalSteps * dt, record: true, set: [], reset: false, index: 0, startStep: 0, endStep: totalSteps }];
  const out: PlannedPhase[] = [];
  const ends = phaseEnds(protocol, dt);
  protocol.forEach((p, index) => {
    const start = index > 0 ? ends[index - 1] : 0;
    if (start < totalSteps) out.push({ ...p, index, startStep: start, endStep: Math.min(ends[index], totalSteps) });
  });
  return out;
}

/** The phase running at `step` (the last one when step is the end of the run). */
export function phaseAt(phases: PlannedPhase[], step: number): PlannedPhase {
  return phases.find((p) => step >= p.startStep && step < p.endStep) ?? phases[phases.length - 1];
}

const resetFlags = (reset: Phase['reset']) =>
  reset === false ? null : reset === true ? { populations: true, projections: false } : { populations: reset.populations ?? true, projections: reset.projections ?? false };

/** Checks the protocol's set actions against the simulation's arrays before anything runs. */
export function checkProtocol(protocol: Phase[], spec: NetworkSpec, arrays: Map<string, number>, file: string): void {
  const issues: SpecIssue[] = [];
  const pops = new Map(spec.populations.map((p) => [p.name, p]));
  const projs = new Set(spec.projections.map((p) => p.name));
  protocol.forEach((phase, i) => {
    phase.set.forEach((action, j) => {
      const at = ['protocol', i, 'set', j];
      if ('learning' in action) {
        for (const name of action.projections ?? []) if (!projs.has(name)) issues.push({ path: [...at, 'projections'], message: `no projection '${name}'` });
        for (const name of action.projections ?? [...projs]) if (!arrays.has(`${name}.learning`)) issues.push({ path: at, message: `projection '${name}' has no learning flag` });
        return;
      }
      const owner = 'population' in action ? action.population : action.projection;
      if ('population' in action ? !pops.has(owner) : !projs.has(owner)) {
        issues.push({ path: at, message: `no ${'population' in action ? 'population' : 'projection'} '${owner}'` });
        return;
      }
      for (const [attr, value] of Object.entries(action.values)) {
        const length = arrays.get(`${owner}.${attr}`);
        if (length === undefined) {
          issues.push({ path: [...at, 'values', attr], message: `the simulation has no array '${owner}.${attr}'` });
          continue;
        }
        if (!('population' in action)) continue;
        const units = action.indices?.length ?? (action.proportion !== undefined ? null : length);
        if ((action.indices || action.proportion !== undefined) && length === 1) issues.push({ path: [...at, 'values', attr], message: `'${owner}.${attr}' is shared by the whole population; set it without indices or proportion` });
        if (Array.isArray(value) && units !== null && value.length !== units) issues.push({ path: [...at, 'values', attr], message: `needs ${units} values, got ${value.length}` });
        const bad = action.indices?.find((x) => !Number.isInteger(x) || x < 0 || x >= length);
        if (bad !== undefined) issues.push({ path: [...at, 'indices'], message: `index ${bad} is outside '${owner}' (${length} units)` });
      }
    });
  });
  if (issues.length > 0) throw new SpecError(file, issues);
}

/**
 * A phase start: reset (restores the arrays of the state at build, as Network.reset does, but not
 * the clock), then the set actions in order. `initial` is that state (needed only with a reset).
 */
export function applyPhaseStart(sim: Sim, phase: PlannedPhase, ctx: { spec: NetworkSpec; seed: number; initial: SimState | null }): void {
  const flags = resetFlags(phase.reset);
  if (flags) {
    if (!ctx.initial) throw new Error(`phase '${phase.name}' resets but no initial state was kept`);
    resetArrays(sim, ctx.spec, ctx.initial, flags);
  }
  for (const action of phase.set) applySet(sim, phase, action, ctx);
}

function applySet(sim: Sim, phase: PlannedPhase, action: SetAction, ctx: { spec: NetworkSpec; seed: number }): void {
  if ('learning' in action) {
    for (const name of action.projections ?? ctx.spec.projections.map((p) => p.name)) sim.setArray(`${name}.learning`, action.learning ? 1 : 0);
    return;
  }
  if ('projection' in action) {
    for (const [attr, value] of Object.entries(action.values)) sim.setArray(`${action.projection}.${attr}`, value);
    return;
  }
  const pop = action.population;
  for (const [attr, value] of Object.entries(action.values)) {
    const name = `${pop}.${attr}`;
    let indices = action.indices ?? null;
    if (!indices && action.proportion !== undefined) {
      const size = sim.arrays().find((a) => a.name === name)!.length;
      indices = selectUnits(size, action.proportion, ctx.seed, phase.name, pop);
    }
    if (!indices) {
      sim.setArray(name, typeof value === 'number' ? value : Float64Array.from(value));
      continue;
    }
    const current: SimTypedArray = sim.getArray(name);
    const out = Float64Array.from(current as Float64Array, Number);
    indices.forEach((unit, k) => { out[unit] = typeof value === 'number' ? value : value[k]; });
    sim.setArray(name, out);
  }
}
