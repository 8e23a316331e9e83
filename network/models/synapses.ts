// Built-in synapse models in the equation language.
import type { SynapseDescription } from '../spec/schema.js';

// Adds the weight to the target conductance at each (delayed) presynaptic spike.
export const Static: SynapseDescription = {
  name: 'static',
  preSpike: 'g_target += w',
};

// Pair-based STDP with event-driven traces (Song, Miller & Abbott 2000; ANNarchy's STDP).
export const STDP: SynapseDescription = {
  name: 'STDP',
  parameters: `
    tau_plus = 20.0 : projection
    tau_minus = 20.0 : projection
    A_plus = 0.01 : projection
    A_minus = 0.01 : projection
    w_min = 0.0 : projection
    w_max = 1.0 : projection
  `,
  equations: `
    tau_plus * dx/dt = -x : event-driven
    tau_minus * dy/dt = -y : event-driven
  `,
  preSpike: `
    g_target += w
    x += A_plus * w_max
    w = clip(w + y, w_min, w_max)
  `,
  postSpike: `
    y -= A_minus * w_max
    w = clip(w + x, w_min, w_max)
  `,
};

export const builtinSynapses: Readonly<Record<string, SynapseDescription>> = { static: Static, STDP };
