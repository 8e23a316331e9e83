// The COBA reference network (docs/reference-models.md) written with the TypeScript API — the same network as
// examples/coba.yaml. Run: npx tsx examples/coba.ts
import { Normal, type Network } from '../network/index.js';
import { referenceNetwork, runExample, type ReferenceOptions } from './reference.js';

export const cobaNeuron = {
  parameters: `
    El = -60.0 : population
    Vr = -60.0 : population
    Erev_exc = 0.0 : population
    Erev_inh = -80.0 : population
    Vt = -50.0 : population
    tau = 20.0 : population
    tau_exc = 5.0 : population
    tau_inh = 10.0 : population
    I = 20.0 : population
  `,
  equations: `
    tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I
    tau_exc * dg_exc/dt = -g_exc
    tau_inh * dg_inh/dt = -g_inh
  `,
  spike: 'v > Vt',
  reset: 'v = Vr',
  refractory: 5.0,
};

// we = 6 / 10 = 0.6, wi = 67 / 10 = 6.7 (units of the leak conductance)
export function cobaNetwork(opts: ReferenceOptions = {}): Network {
  const init = { v: Normal(-55, 5), g_exc: Normal(4, 1.5), g_inh: Normal(20, 12) };
  return referenceNetwork('coba', cobaNeuron, init, { exc: 0.6, inh: 6.7 }, opts);
}

if (import.meta.url === `file://${process.argv[1]}`) await runExample(cobaNetwork());
