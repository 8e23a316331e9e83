// ANNarchy's BOLD models (its extensions/bold: the Balloon model of Friston et al. 2000 with the
// coefficients of Stephan et al. 2007, the two-input model, and the model of Maith et al. 2021),
// written in the equation language. Time is in ms; the models' constants are in seconds, hence
// `second`. A BOLD model is a neuron model without spikes: its inputs are read with sum(<input>),
// which the BOLD monitor fills each step from the recorded populations (network/ir/bold.ts).
import type { NeuronDescription } from '../spec/schema.js';

export interface BoldModel {
  description: NeuronDescription;
  /** The inputs the monitor's mapping may fill (each read with sum(<input>)). */
  inputs: string[];
  /** Always recorded (ANNarchy adds it to recorded_variables). */
  output: string;
}

const FRISTON_PARAMETERS = `
  second = 1000.0 : population
  phi = 1.0 : population
  kappa = 1/1.54 : population
  gamma = 1/2.46 : population
  E_0 = 0.34 : population
  tau = 0.98 : population
  alpha = 0.33 : population
  V_0 = 0.02 : population
  v_0 = 40.3 : population
  TE = 40/1000. : population
  epsilon = 1.43 : population
`;

// The single-input Balloon model: flow-inducing signal s, inflow f_in, deoxyhemoglobin q, volume v.
const BALLOON = `
  I_CBF = sum(I_CBF) : init = 0
  ds/dt = (phi * I_CBF - kappa * s - gamma * (f_in - 1)) / second : init = 0
  df_in/dt = s / second : init = 1, min = 0.01
  E = 1 - (1 - E_0)**(1 / f_in) : init = 0.3424
  dq/dt = (f_in * E / E_0 - (q / v) * f_out) / (tau * second) : init = 1, min = 0.01
  dv/dt = (f_in - f_out) / (tau * second) : init = 1, min = 0.01
  f_out = v**(1 / alpha) : init = 1, min = 0.01
`;

const CLASSIC = `
  k_1 = (1 - V_0) * 4.3 * v_0 * E_0 * TE
  k_2 = 2 * E_0
  k_3 = 1 - epsilon
`;
const REVISED = `
  k_1 = 4.3 * v_0 * E_0 * TE
  k_2 = epsilon * r_0 * E_0 * TE
  k_3 = 1 - epsilon
`;
const NON_LINEAR = 'BOLD = V_0 * (k_1 * (1 - q) + k_2 * (1 - (q / v)) + k_3 * (1 - v)) : init = 0';
const LINEAR = 'BOLD = V_0 * ((k_1 + k_2) * (1 - q) + (k_3 - k_2) * (1 - v)) : init = 0';

const singleInput = (name: string, coefficients: string, bold: string, revised: boolean): BoldModel => ({
  description: {
    name,
    parameters: FRISTON_PARAMETERS + (revised ? '  r_0 = 25.0 : population\n' : ''),
    equations: BALLOON + coefficients + bold,
  },
  inputs: ['I_CBF'],
  output: 'BOLD',
});

export const BOLD_MODELS: Readonly<Record<string, BoldModel>> = {
  balloon_RN: singleInput('balloon_RN', REVISED, NON_LINEAR, true),
  // ANNarchy's balloon_RL code leaves `second` out of dq/dt and dv/dt (its documentation keeps it);
  // here all four Stephan et al. variants share one set of ODEs.
  balloon_RL: singleInput('balloon_RL', REVISED, LINEAR, true),
  balloon_CN: singleInput('balloon_CN', CLASSIC, NON_LINEAR, false),
  balloon_CL: singleInput('balloon_CL', CLASSIC, LINEAR, false),
  balloon_maith2021: {
    description: {
      name: 'balloon_maith2021',
      parameters: `
        second = 1000.0 : population
        phi = 1.0 : population
        kappa = 0.665 : population
        gamma = 0.412 : population
        E_0 = 0.3424 : population
        tau = 1.0368 : population
        alpha = 0.3215 : population
        V_0 = 0.02 : population
      `,
      equations: BALLOON + `
        k_1 = 7 * E_0
        k_2 = 2
        k_3 = 2 * E_0 - 0.2
      ` + NON_LINEAR,
    },
    inputs: ['I_CBF'],
    output: 'BOLD',
  },
  // Two damped oscillators drive flow (I_CBF) and oxygen metabolism (I_CMRO2, r); the outflow lags
  // the volume while it deflates (tau_out2).
  balloon_two_inputs: {
    description: {
      name: 'balloon_two_inputs',
      parameters: `
        kappa_CBF = 0.7650920556760059 : population
        gamma_CBF = 1/2.46 : population
        kappa_CMRO2 = 4.032389192727559 : population
        gamma_CMRO2 = 10/2.46 : population
        phi_CBF = 1.0 : population
        phi_CMRO2 = 1.0 : population
        E_0 = 0.34 : population
        tau = 0.98 : population
        alpha = 0.33 : population
        V_0 = 0.02 : population
        v_0 = 40.3 : population
        TE = 40/1000. : population
        epsilon = 1.0 : population
        r_0 = 25.0 : population
        tau_out1 = 0.0 : population
        tau_out2 = 20.0 : population
        second = 1000.0 : population
      `,
      equations: `
        I_CBF = sum(I_CBF) : init = 0
        second * ds_CBF/dt = phi_CBF * I_CBF - kappa_CBF * s_CBF - gamma_CBF * (f_in - 1) : init = 0
        second * df_in/dt = s_CBF : init = 1, min = 0.01
        I_CMRO2 = sum(I_CMRO2) : init = 0
        second * ds_CMRO2/dt = phi_CMRO2 * I_CMRO2 * (gamma_CMRO2 / gamma_CBF) - kappa_CMRO2 * s_CMRO2 - gamma_CMRO2 * (r - 1) : init = 0
        second * dr/dt = s_CMRO2 : init = 1, min = 0.01
        dv = f_in - v**(1 / alpha)
        tau_out = ite(dv > 0, tau_out1, tau_out2)
        f_out = v**(1 / alpha) + tau_out * dv / (tau + tau_out) : init = 1, min = 0.01
        dq/dt = (r - (q / v) * f_out) / (second * tau) : init = 1, min = 0.01
        dv/dt = dv / (tau + tau_out) / second : init = 1, min = 0.01
        k_1 = 4.3 * v_0 * E_0 * TE
        k_2 = epsilon * r_0 * E_0 * TE
        k_3 = 1 - epsilon
      ` + NON_LINEAR,
    },
    inputs: ['I_CBF', 'I_CMRO2'],
    output: 'BOLD',
  },
};
