// spikesweep's side of the peer comparison (issue 5): one run of the CUBA or COBA reference
// network, printed as the same JSON the peer scripts print. Run in its own process by run.ts.
//   node --import tsx bench/peers/spikesweep.ts --model cuba|coba [--neurons N] [--threads T] [--cache DIR] [--warm] [--start-at T]
// build = code generation + a cold g++ compile of the network's kernel (clean: true; the runtime
// object and precompiled header, built once per toolchain, come from DIR; --warm: the kernel too); construct = connectivity
// and initial values (compile report's buildMs); simulate = wall time of net.simulate(1000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cobaNetwork } from '../../examples/coba.js';
import { cubaNetwork } from '../../examples/cuba.js';

const arg = (name: string, dflt: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const model = arg('model', 'cuba');
const neurons = Number(arg('neurons', '4000'));
const threads = Number(arg('threads', '1'));
// Without --cache the kernels go to a folder of this run's own, removed when it ends.
const ownCache = !process.argv.includes('--cache');
const cache = ownCache ? mkdtempSync(join(tmpdir(), 'spikesweep-peers-')) : arg('cache', '');
const probability = neurons === 4000 ? 0.02 : 80 / neurons;

const t0 = performance.now();
const net = (model === 'coba' ? cobaNetwork : cubaNetwork)({ seed: Number(arg('seed', '1234')), neurons, probability, threads });
const report = await net.compile({ directory: cache, clean: !process.argv.includes('--warm') });
// --start-at T (ms since the epoch): runs measured side by side (scaling.ts) start their loops
// together; the wait is left out of total.
const startAt = Number(arg('start-at', '0'));
const waited = Math.max(0, startAt - Date.now());
if (waited > 0) await new Promise((r) => setTimeout(r, waited));
const started = performance.now();
await net.simulate(1000);
const ended = performance.now();
const simulate = ended - started;
const spikes = net.monitors.reduce((s, m) => s + m.get('spike').neurons.length, 0);
const total = performance.now() - t0 - waited;
net.destroy();
if (ownCache) rmSync(cache, { recursive: true, force: true });
const ru = process.resourceUsage();
console.log(JSON.stringify({
  peer: 'spikesweep', model, neurons, threads, probability,
  phases: { build: report.codegenMs + report.compileMs, construct: report.buildMs, simulate, total },
  peakRssMiB: ru.maxRSS / 1024, meanRateHz: spikes / neurons,
  // When the simulation loop ran (ms since the epoch), for runs measured side by side (scaling.ts).
  simulateWindow: [performance.timeOrigin + started, performance.timeOrigin + ended],
}));
