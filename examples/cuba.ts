// The CUBA reference network (DESIGN.md) written with the TypeScript API — the same network as
// examples/cuba.yaml. Run: npx tsx examples/cuba.ts
import { Network, Uniform } from '../network/index.js';

export function cubaNetwork(seed = 42): Network {
  const net = new Network({ dt: 0.1, seed, name: 'cuba' });
  const neuron = {
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
  const exc = net.create(3200, neuron, { name: 'exc' }).set({ v: Uniform(-60, -50) });
  const inh = net.create(800, neuron, { name: 'inh' }).set({ v: Uniform(-60, -50) });
  const we = (60 * 0.27) / 10; // 1.62 mV
  const wi = (-20 * 4.5) / 10; // -9 mV
  for (const [pre, target, w] of [[exc, 'exc', we], [inh, 'inh', wi]] as const)
    for (const post of [exc, inh]) net.connect({ pre, post, target, name: `${pre.name}_${post.name}` }).fixedProbability(0.02, w);
  net.monitor(exc, 'spike');
  net.monitor(inh, 'spike');
  return net;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const net = cubaNetwork();
  const report = await net.compile();
  await net.simulate(1000);
  const spikes = net.monitors.reduce((n, m) => n + m.get('spike').neurons.length, 0);
  console.log(JSON.stringify({ ...report, meanRateHz: spikes / 4000 }, null, 2));
  net.destroy();
}
