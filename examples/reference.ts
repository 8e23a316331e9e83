// What the CUBA and COBA examples share: the 80/20 split into `exc` and `inh`, connectivity from
// each population to both, and a spike monitor per population (docs/reference-models.md).
import { Network, type Distribution, type NeuronDescription } from '../network/index.js';

export interface ReferenceOptions {
  seed?: number;
  /** Total neurons (80 % excitatory); scaled networks keep the in-degree: p = 80/N. */
  neurons?: number;
  probability?: number;
  threads?: number;
}

export function referenceNetwork(
  name: string,
  neuron: NeuronDescription,
  init: Record<string, Distribution>,
  weights: { exc: number; inh: number },
  opts: ReferenceOptions,
): Network {
  const n = opts.neurons ?? 4000;
  const net = new Network({ dt: 0.1, seed: opts.seed ?? 42, name });
  net.config({ numThreads: opts.threads ?? 1 });
  const exc = net.create(Math.round(n * 0.8), neuron, { name: 'exc' }).set(init);
  const inh = net.create(n - exc.size, neuron, { name: 'inh' }).set(init);
  const p = opts.probability ?? (n === 4000 ? 0.02 : 80 / n);
  for (const [pre, target] of [[exc, 'exc'], [inh, 'inh']] as const)
    for (const post of [exc, inh]) net.connect({ pre, post, target, name: `${pre.name}_${post.name}` }).fixedProbability(p, weights[target]);
  net.monitor(exc, 'spike');
  net.monitor(inh, 'spike');
  return net;
}

// Compiles, simulates 1 s and prints the compile report and the mean rate.
export async function runExample(net: Network): Promise<void> {
  const report = await net.compile();
  await net.simulate(1000);
  const spikes = net.monitors.reduce((n, m) => n + m.get('spike').neurons.length, 0);
  const neurons = net.populations.reduce((n, p) => n + p.size, 0);
  console.log(JSON.stringify({ ...report, meanRateHz: spikes / neurons }, null, 2));
  net.destroy();
}
