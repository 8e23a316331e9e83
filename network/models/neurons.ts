// Built-in neuron models, written in the equation language itself (no special-cased code).
// Parameter names follow ANNarchy's built-ins; defaults are the reference models of docs/reference-models.md
// where one applies.
import type { NeuronDescription } from '../spec/schema.js';

// Leaky integrate-and-fire, current-based exponential synapses (the CUBA benchmark neuron).
export const LIF_CUBA: NeuronDescription = {
  name: 'LIF_CUBA',
  parameters: `
    tau_m = 20.0 : population
    tau_e = 5.0 : population
    tau_i = 10.0 : population
    El = -49.0 : population
    v_thresh = -50.0 : population
    v_reset = -60.0 : population
    i_offset = 0.0
  `,
  equations: `
    tau_m * dv/dt = (El - v) + g_exc + g_inh + i_offset : init = -60.0
    tau_e * dg_exc/dt = -g_exc
    tau_i * dg_inh/dt = -g_inh
  `,
  spike: 'v > v_thresh',
  reset: 'v = v_reset',
  refractory: 5.0,
};

// Leaky integrate-and-fire, conductance-based exponential synapses (the COBA benchmark neuron;
// conductances in units of the leak conductance, I a constant drive).
export const LIF_COBA: NeuronDescription = {
  name: 'LIF_COBA',
  parameters: `
    tau_m = 20.0 : population
    tau_e = 5.0 : population
    tau_i = 10.0 : population
    El = -60.0 : population
    E_exc = 0.0 : population
    E_inh = -80.0 : population
    v_thresh = -50.0 : population
    v_reset = -60.0 : population
    I = 20.0
  `,
  equations: `
    tau_m * dv/dt = (El - v) + g_exc * (E_exc - v) + g_inh * (E_inh - v) + I : init = -60.0
    tau_e * dg_exc/dt = -g_exc
    tau_i * dg_inh/dt = -g_inh
  `,
  spike: 'v > v_thresh',
  reset: 'v = v_reset',
  refractory: 5.0,
};

// Izhikevich (2003), regular spiking defaults; I in the model's units, conductances add to it.
export const Izhikevich: NeuronDescription = {
  name: 'Izhikevich',
  parameters: `
    a = 0.02
    b = 0.2
    c = -65.0
    d = 8.0
    v_thresh = 30.0 : population
    I = 0.0
  `,
  equations: `
    dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I + g_exc - g_inh : init = -65.0
    du/dt = a * (b * v - u) : init = -13.0
  `,
  spike: 'v >= v_thresh',
  reset: `
    v = c
    u += d
  `,
};

// Adaptive exponential integrate-and-fire (Brette & Gerstner 2005), conductance synapses.
export const AdEx: NeuronDescription = {
  name: 'AdEx',
  parameters: `
    C = 281.0 : population
    gL = 30.0 : population
    EL = -70.6 : population
    VT = -50.4 : population
    delta_T = 2.0 : population
    tau_w = 144.0 : population
    a = 4.0 : population
    b = 80.5 : population
    v_reset = -70.6 : population
    v_spike = -40.0 : population
    tau_e = 5.0 : population
    tau_i = 10.0 : population
    E_exc = 0.0 : population
    E_inh = -80.0 : population
    I = 0.0
  `,
  equations: `
    C * dv/dt = -gL * (v - EL) + gL * delta_T * exp((v - VT) / delta_T) - w + I + g_exc * (E_exc - v) + g_inh * (E_inh - v) : init = -70.6
    tau_w * dw/dt = a * (v - EL) - w
    tau_e * dg_exc/dt = -g_exc
    tau_i * dg_inh/dt = -g_inh
  `,
  spike: 'v > v_spike',
  reset: `
    v = v_reset
    w += b
  `,
  refractory: 2.0,
};

// Hodgkin–Huxley (Traub–Miles rates as in the Brian2/ANNarchy COBAHH benchmark), conductance synapses.
export const HodgkinHuxley: NeuronDescription = {
  name: 'HodgkinHuxley',
  parameters: `
    C = 0.2 : population
    gL = 0.01 : population
    EL = -60.0 : population
    gNa = 20.0 : population
    ENa = 50.0 : population
    gK = 6.0 : population
    EK = -90.0 : population
    VT = -63.0 : population
    E_exc = 0.0 : population
    E_inh = -80.0 : population
    tau_e = 5.0 : population
    tau_i = 10.0 : population
    v_thresh = -20.0 : population
    I = 0.0
  `,
  // Rate functions of u = v - VT: a function body may only use its arguments, so VT is applied
  // at the call site (the functions used to read VT directly, which the parser rightly refuses).
  functions: `
    alpha_m(u) = 0.32 * (13.0 - u) / (exp((13.0 - u) / 4.0) - 1.0)
    beta_m(u) = 0.28 * (u - 40.0) / (exp((u - 40.0) / 5.0) - 1.0)
    alpha_h(u) = 0.128 * exp((17.0 - u) / 18.0)
    beta_h(u) = 4.0 / (1.0 + exp((40.0 - u) / 5.0))
    alpha_n(u) = 0.032 * (15.0 - u) / (exp((15.0 - u) / 5.0) - 1.0)
    beta_n(u) = 0.5 * exp((10.0 - u) / 40.0)
  `,
  equations: `
    prev_v = v : init = -60.0
    C * dv/dt = gL * (EL - v) - gNa * m^3 * h * (v - ENa) - gK * n^4 * (v - EK) + g_exc * (E_exc - v) + g_inh * (E_inh - v) + I : init = -60.0, midpoint
    dm/dt = alpha_m(v - VT) * (1.0 - m) - beta_m(v - VT) * m : init = 0.0, midpoint
    dh/dt = alpha_h(v - VT) * (1.0 - h) - beta_h(v - VT) * h : init = 1.0, midpoint
    dn/dt = alpha_n(v - VT) * (1.0 - n) - beta_n(v - VT) * n : init = 0.0, midpoint
    tau_e * dg_exc/dt = -g_exc
    tau_i * dg_inh/dt = -g_inh
  `,
  // Upward crossings only: v stays above threshold for a while and keeps integrating (no refractory clamp).
  spike: 'v > v_thresh and prev_v <= v_thresh',
};

// Poisson spike source with per-neuron rates in Hz, changeable at run time (ANNarchy's
// PoissonPopulation: a spike when a uniform draw scaled by 1000/dt falls below the rate).
export const Poisson: NeuronDescription = {
  name: 'Poisson',
  parameters: `
    rates = 10.0
  `,
  equations: `
    p = Uniform(0.0, 1.0) * 1000.0 / dt
  `,
  spike: 'p < rates',
};

export const builtinNeurons: Readonly<Record<string, NeuronDescription>> = {
  LIF_CUBA, LIF_COBA, Izhikevich, AdEx, HodgkinHuxley, Poisson,
};
