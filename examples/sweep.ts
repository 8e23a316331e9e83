// A sweep from TypeScript: a small CUBA network built with the Network API, two excitatory weights
// × two seeds (4 runs of 200 ms) submitted with the sweep API, followed, then a table by SQL.
//
//   npx tsx examples/sweep.ts [--out out/sweeps] [--backend openmp|serial]
//
// Connection: like `spikesweep sweep`, Temporal's environment configuration (TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, profiles); with none, the local dev server and an in-process worker.
import { parseArgs } from 'node:util';
import { LIF_CUBA, Network, Uniform } from '../network/index.js';
import { SweepClient, type SweepBackend } from '../sweeps/index.js';

// 400 neurons, 80 % excitatory; p = 0.2 keeps the 4,000-neuron CUBA's 80 inputs per neuron.
function smallCuba(): Network {
  const net = new Network({ dt: 0.1, seed: 42, name: 'cuba400' });
  const exc = net.create(320, LIF_CUBA, { name: 'exc' }).set({ v: Uniform(-60, -50) });
  const inh = net.create(80, LIF_CUBA, { name: 'inh' }).set({ v: Uniform(-60, -50) });
  for (const [pre, target, weight] of [[exc, 'exc', 1.62], [inh, 'inh', -9]] as const)
    for (const post of [exc, inh]) net.connect({ pre, post, target, name: `${pre.name}_${post.name}` }).fixedProbability(0.2, weight);
  net.monitor(exc, 'spike');
  net.monitor(inh, 'spike');
  return net;
}

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'out/sweeps' }, backend: { type: 'string', default: 'openmp' } } });

const client = await SweepClient.connect();
try {
  const sweep = await client.submit({
    name: 'cuba-api',
    network: smallCuba().toSpec(),
    duration: 200,
    vary: { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values: [1.2, 2.0] }] },
    seeds: { policy: 'sequential', base: 0, count: 2 },
    backend: args.backend as SweepBackend,
    maxConcurrent: 2,
    output: args.out,
  });
  console.log(`sweep ${sweep.sweepId}: ${sweep.total} runs${sweep.uiUrl ? ` (${sweep.uiUrl})` : ''}`);
  for await (const p of sweep.follow()) console.log(`  ${p.status}: ${p.completed} done, ${p.failed} failed, ${p.running} running of ${p.total}`);
  const result = await sweep.result();
  const { rows } = await sweep.query(`
    SELECT run, we, seed, backend, status, spikes_exc + spikes_inh AS spikes, round(rate_exc_hz, 2) AS rate_exc_hz, round(cv_isi_exc, 3) AS cv_isi_exc
    FROM runs ORDER BY run`);
  console.table(rows);
  console.log(`results: ${result.output}`);
  process.exitCode = result.status === 'completed' ? 0 : 1;
} finally {
  await client.close();
}
