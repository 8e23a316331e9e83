// The complete state of a running simulation, as the native side exposes it: every array that
// evolves or may be set (variables, parameters, weights, refractory counters, spike history and
// delay buffers, spike-source cursors, learning flags) plus the step counter. Connectivity is not
// part of it: it is rebuilt exactly from the spec and the seed.
import type { ArrayInfo, Dtype, Sim, SimTypedArray } from '../../native/index.js';

export interface SimState {
  step: number;
  arrays: Map<string, { dtype: Dtype; data: SimTypedArray }>;
}

export const isStateArray = (a: ArrayInfo) => a.state || a.settable;

export function captureState(sim: Sim): SimState {
  const arrays = new Map<string, { dtype: Dtype; data: SimTypedArray }>();
  for (const a of sim.arrays().filter(isStateArray)) arrays.set(a.name, { dtype: a.dtype, data: sim.getArray(a.name) });
  return { step: sim.currentStep, arrays };
}

// Moves the clock first (which forgets spikes in flight), then writes the arrays, spike history included.
export function applyState(sim: Sim, state: SimState): void {
  const present = new Map(sim.arrays().filter(isStateArray).map((a) => [a.name, a]));
  for (const [name, { dtype, data }] of state.arrays) {
    const target = present.get(name);
    if (!target) throw new Error(`the saved state has an array '${name}' this simulation does not have`);
    if (target.dtype !== dtype || target.length !== data.length)
      throw new Error(`the saved array '${name}' is ${dtype}[${data.length}] but this simulation's is ${target.dtype}[${target.length}]`);
  }
  const missing = [...present.keys()].filter((n) => !state.arrays.has(n));
  if (missing.length) throw new Error(`the saved state lacks arrays this simulation has: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  sim.setCurrentStep(state.step);
  for (const [name, { data }] of state.arrays) sim.setArray(name, data, { force: true });
}
