// What profiling costs (Brian2's profile=True, net.simulate(ms, { profile: true })): CUBA and COBA
// 4k, 1 s, one thread, g++, simulated in three builds of the same network, alternating round by round:
// the default kernel with profiling off (a predictable branch around each block of the step), the
// same source compiled with -DSS_WITHOUT_PROFILING (the plain calls: what "off" is measured
// against), and the default kernel with profiling on. Medians of the simulate() wall time.
// Writes bench/results/profiling.json. Run: npm run bench:profiling (SPIKESWEEP_BENCH_ROUNDS=7).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_TUNING } from '../backends/host/toolchain.js';
import { Network, loadNetworkSpec } from '../network/index.js';
import { describeBenchMachine } from './machine.js';

const root = new URL('..', import.meta.url).pathname;
const rounds = Number(process.env.SPIKESWEEP_BENCH_ROUNDS ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function build(file: string, flags?: string[]): Promise<Network> {
  const net = Network.fromSpec({ ...loadNetworkSpec(join(root, file)), seed: 1 });
  await net.compile({ compiler: 'g++', ...(flags ? { compilerFlags: flags } : {}) });
  return net;
}

const cases = [];
for (const [name, file] of [['CUBA 4000', 'examples/cuba.yaml'], ['COBA 4000', 'examples/coba.yaml']]) {
  const variants = {
    withoutHooks: { net: await build(file, [...HOST_TUNING['g++'], '-DSS_WITHOUT_PROFILING']), profile: false, ms: [] as number[] },
    off: { net: await build(file), profile: false, ms: [] as number[] },
    on: { net: await build(file), profile: true, ms: [] as number[] },
  };
  for (let r = 0; r < rounds; r++) {
    for (const v of Object.values(variants)) {
      v.net.reset();
      const started = performance.now();
      await v.net.simulate(1000, { profile: v.profile });
      v.ms.push(performance.now() - started);
    }
  }
  const med = Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, median(v.ms)]));
  cases.push({
    network: name,
    simulateMs: Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, { median: med[k], runs: v.ms }])),
    offVsWithoutHooks: med.off / med.withoutHooks,
    onVsWithoutHooks: med.on / med.withoutHooks,
    profile: variants.on.net.profilingInfo.map((b) => ({ block: b.name, seconds: b.seconds / rounds })),
  });
  console.log(`${name}: without hooks ${med.withoutHooks.toFixed(1)} ms, off ${med.off.toFixed(1)} ms (×${(med.off / med.withoutHooks).toFixed(3)}), on ${med.on.toFixed(1)} ms (×${(med.on / med.withoutHooks).toFixed(3)})`);
  for (const v of Object.values(variants)) v.net.destroy();
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/profiling.json'), `${JSON.stringify({ machine: await describeBenchMachine(), rounds, threads: 1, durationMs: 1000, cases }, null, 2)}\n`);
