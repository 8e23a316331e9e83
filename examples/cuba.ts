// The CUBA reference network (docs/reference-models.md) written with the TypeScript API — the same network as
// examples/cuba.yaml. Run: npx tsx examples/cuba.ts
import { Uniform, type Network } from '../network/index.js';
import { referenceNetwork, runExample, type ReferenceOptions } from './reference.js';

export const cubaNeuron = {
  parameters: `
    El = -49.0 : population
    Vr = -60.0 : population
    Vt = -50.0 : population
    tau_m = 20.0 : population
    tau_e = 5.0 : population
    tau_i = 10.0 : population
  `,
  equations: `
    tau_m * dv/dt = (El - v) + g_exc + g_inh : init = -60.0
    tau_e * dg_exc/dt = -g_exc
    tau_i * dg_inh/dt = -g_inh
  `,
  spike: 'v > Vt',
  reset: 'v = Vr',
  refractory: 5.0,
};

// we = 60 · 0.27 / 10 = 1.62 mV, wi = −20 · 4.5 / 10 = −9 mV
export function cubaNetwork(opts: ReferenceOptions = {}): Network {
  return referenceNetwork('cuba', cubaNeuron, { v: Uniform(-60, -50) }, { exc: 1.62, inh: -9 }, opts);
}

if (import.meta.url === `file://${process.argv[1]}`) await runExample(cubaNetwork());
