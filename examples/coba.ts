// The COBA reference network (DESIGN.md) written with the TypeScript API — the same network as
// examples/coba.yaml. Run: npx tsx examples/coba.ts
import { Network, Normal } from '../network/index.js';

export function cobaNetwork(seed = 42): Network {
  const net = new Network({ dt: 0.1, seed, name: 'coba' });
  const neuron = {
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
  const init = { v: Normal(-55, 5), g_exc: Normal(4, 1.5), g_inh: Normal(20, 12) };
  const exc = net.create(3200, neuron, { name: 'exc' }).set(init);
  const inh = net.create(800, neuron, { name: 'inh' }).set(init);
  const we = 6 / 10; // 0.6
  const wi = 67 / 10; // 6.7
  for (const [pre, target, w] of [[exc, 'exc', we], [inh, 'inh', wi]] as const)
    for (const post of [exc, inh]) net.connect({ pre, post, target, name: `${pre.name}_${post.name}` }).fixedProbability(0.02, w);
  net.monitor(exc, 'spike');
  net.monitor(inh, 'spike');
  return net;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const net = cobaNetwork();
  const report = await net.compile();
  await net.simulate(1000);
  const spikes = net.monitors.reduce((n, m) => n + m.get('spike').neurons.length, 0);
  console.log(JSON.stringify({ ...report, meanRateHz: spikes / 4000 }, null, 2));
  net.destroy();
}
