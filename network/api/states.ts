// Brian2's get_states / set_states over a running simulation's arrays: `<object>.<variable>`
// arrays grouped by population or projection, internal ones (names starting with _) only when
// asked, and the clock.
import type { AnyTypedArray, Sim, SimTypedArray } from '../../native/index.js';
import { isStateArray } from '../state/index.js';

/** Values of state variables, as getStates() returns them and setStates() takes them. */
export interface NetworkStates {
  /** The simulated time (ms) they were read at; setStates moves the clock there when given. */
  t?: number;
  /** Population or projection name → variable → one value per neuron or synapse (or one shared). */
  objects: Record<string, Record<string, SimTypedArray | number[] | number>>;
}

export interface GetStatesOptions {
  /** Populations and projections to read, by name; default all. */
  objects?: string[];
  /** Variables to read (of every object that has them); default all. */
  variables?: string[];
  /**
   * Also the internal arrays (names starting with _: refractory counters, spike history, delay
   * buffers, …), so that setStates continues the simulation exactly, spikes in flight included.
   * Brian2's read_only_variables=False, in reverse; default false.
   */
  internal?: boolean;
}

/** What getStates() returns: the time and copies of the arrays. */
export interface StateValues {
  t: number;
  objects: Record<string, Record<string, SimTypedArray>>;
}

// "exc.v" → ["exc", "v"]; names of populations and projections hold no dot.
function splitArrayName(name: string): [string, string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

function checkObject(where: string, name: string, declared: string[]): void {
  if (!declared.includes(name)) throw new Error(`${where}: no population or projection '${name}' (declared: ${declared.join(', ')})`);
}

/** The states of `declared` objects (populations and projections) the options choose. */
export function readStates(sim: Sim, dt: number, declared: string[], opts: GetStatesOptions): StateValues {
  const objects = new Set(opts.objects ?? declared);
  for (const name of objects) checkObject('getStates', name, declared);
  const out: Record<string, Record<string, SimTypedArray>> = {};
  for (const a of sim.arrays().filter(isStateArray)) {
    const [object, variable] = splitArrayName(a.name);
    if (!objects.has(object) || (variable.startsWith('_') && !opts.internal) || (opts.variables && !opts.variables.includes(variable))) continue;
    (out[object] ??= {})[variable] = sim.getArray(a.name);
  }
  const missing = (opts.variables ?? []).filter((v) => !Object.values(out).some((vars) => v in vars));
  if (missing.length) throw new Error(`getStates: no ${opts.objects ? 'chosen ' : ''}population or projection has ${missing.map((v) => `'${v}'`).join(', ')}`);
  return { t: sim.currentStep * dt, objects: out };
}

/** Writes `states` into the simulation: everything checked first, then the clock, then the arrays. */
export function writeStates(sim: Sim, dt: number, declared: string[], states: NetworkStates): void {
  const present = new Map(sim.arrays().filter(isStateArray).map((a) => [a.name, a]));
  const writes: [string, AnyTypedArray | number][] = [];
  for (const [object, variables] of Object.entries(states.objects)) {
    checkObject('setStates', object, declared);
    for (const [variable, value] of Object.entries(variables)) {
      const info = present.get(`${object}.${variable}`);
      if (!info) throw new Error(`setStates: '${object}' has no state variable '${variable}' (has: ${[...present.keys()].filter((n) => splitArrayName(n)[0] === object).map((n) => splitArrayName(n)[1]).join(', ')})`);
      if (typeof value !== 'number' && value.length !== info.length) throw new Error(`setStates: '${object}.${variable}' needs ${info.length} values, got ${value.length}`);
      writes.push([info.name, Array.isArray(value) ? Float64Array.from(value) : value]);
    }
  }
  if (states.t !== undefined) {
    if (!(states.t >= 0 && Number.isFinite(states.t))) throw new RangeError(`setStates: t must be a time in ms ≥ 0, got ${states.t}`);
    sim.setCurrentStep(Math.round(states.t / dt));
  }
  for (const [name, value] of writes) sim.setArray(name, value, { force: true });
}
