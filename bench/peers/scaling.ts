// How far two threads speed one simulation up on this machine, beside what its two cores give
// independent work (issue 5): two 1-thread runs at once. The reference networks' update streams
// every neuron's state through the caches each step; where the cores share what that needs (cache
// and memory bandwidth, clock headroom, a VM host's other tenants), two runs at once each run
// slower than one alone, and a 2-thread run meets the same limits. The pair holds two copies of
// the network, so it presses a shared cache harder than one 2-thread run does: its throughput is a
// reference for the speed-up, not a strict bound on it. A closer one is the stream probe
// (stream-probe.cpp): the update's memory pattern alone, split between threads with a barrier per
// step, on 1 and 2 threads.
// Run: npm run bench:scaling   Env: SCALING_MODELS (cuba,coba), SCALING_NEURONS (256000),
// SCALING_REPS (7), SCALING_START_DELAY_MS (8000). Each repetition runs, in fresh processes and in
// this order: one 1-thread run alone, two 1-thread runs whose simulation loops start at the same
// moment, one 2-thread run (spikesweep.ts, compiled code reused), then the stream probe on 1 and on
// 2 threads. Writes bench/results/scaling.json and prints a table.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { describeBenchMachine } from '../machine.js';
import { join, resolve } from 'node:path';
import { toolchain as openmpToolchain } from '../../backends/openmp/index.js';
import { median } from './table.js';

const root = resolve(import.meta.dirname, '../..');
const cache = join(root, '.cache/peers-work/spikesweep-cache');
const env = (k: string, d: string) => process.env[k] ?? d;
const models = env('SCALING_MODELS', 'cuba,coba').split(',').filter(Boolean);
const neurons = Number(env('SCALING_NEURONS', '256000'));
const reps = Number(env('SCALING_REPS', '7'));
// Time for both processes of a pair to start and build their networks before their loops start
// together (spikesweep.ts --start-at); at 256k building takes ~2 s.
const startDelayMs = Number(env('SCALING_START_DELAY_MS', '8000'));

interface Run { simulate: number; window: [number, number] }

function run(model: string, threads: number, seed: number, options: { warm?: boolean; startAt?: number } = {}): Promise<Run> {
  const args = ['--import', 'tsx', join(root, 'bench/peers/spikesweep.ts'), '--model', model, '--neurons', String(neurons),
    '--threads', String(threads), '--seed', String(seed), '--cache', cache, ...(options.warm === false ? [] : ['--warm']),
    ...(options.startAt ? ['--start-at', String(options.startAt)] : [])];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((done, fail) => child.on('close', (code) => {
    const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (code !== 0 || !line) return fail(new Error(`spikesweep.ts ${model} ${threads} thread(s) exited ${code}: ${out.slice(-300)}`));
    const r = JSON.parse(line) as { phases: { simulate: number }; simulateWindow: [number, number] };
    done({ simulate: r.phases.simulate, window: r.simulateWindow });
  }));
}

// The stream probe, built once per invocation with the kernels' optimisation flags.
const probe = join(root, '.cache/peers-work/stream-probe');
function probeMs(threads: number): number {
  const out = execFileSync(probe, [String(neurons), '10000', String(threads)], { encoding: 'utf8' });
  return (JSON.parse(out) as { ms: number }).ms;
}

// The share of the shorter simulation loop during which the other one ran too.
const overlap = (a: Run, b: Run) =>
  Math.max(0, Math.min(a.window[1], b.window[1]) - Math.max(a.window[0], b.window[0])) / Math.min(a.simulate, b.simulate);

mkdirSync(cache, { recursive: true });
await openmpToolchain.compileProgram(join(root, 'bench/peers/stream-probe.cpp'), probe);
const cases = [];
for (const model of models) {
  await run(model, 1, 1, { warm: false }); // compiles the network's kernel once, untimed
  const alone: number[] = [], pair: number[] = [], together: number[] = [], twoThreads: number[] = [], probeOne: number[] = [], probeTwo: number[] = [];
  for (let i = 0; i < reps; i++) {
    alone.push((await run(model, 1, i + 1)).simulate);
    const startAt = Date.now() + startDelayMs;
    const [a, b] = await Promise.all([run(model, 1, i + 1, { startAt }), run(model, 1, i + 1, { startAt })]);
    pair.push(a.simulate, b.simulate);
    together.push(overlap(a, b));
    twoThreads.push((await run(model, 2, i + 1)).simulate);
    probeOne.push(probeMs(1));
    probeTwo.push(probeMs(2));
    console.error(`${model} rep ${i}: alone ${alone.at(-1)!.toFixed(0)} ms, pair ${a.simulate.toFixed(0)} + ${b.simulate.toFixed(0)} ms (overlap ${(together.at(-1)! * 100).toFixed(0)} %), 2 threads ${twoThreads.at(-1)!.toFixed(0)} ms; probe ${probeOne.at(-1)!.toFixed(0)} / ${probeTwo.at(-1)!.toFixed(0)} ms`);
  }
  const m = { alone: median(alone), pair: median(pair), twoThreads: median(twoThreads), probeOne: median(probeOne), probeTwo: median(probeTwo) };
  const pairThroughput = (2 * m.alone) / m.pair;
  const speedup = m.alone / m.twoThreads;
  const probeSpeedup = m.probeOne / m.probeTwo;
  cases.push({ model, neurons, reps, simulateMs: { alone, pair, twoThreads }, pairOverlap: together, probeMs: { one: probeOne, two: probeTwo }, medianMs: m,
    pairThroughput, speedup, speedupOverPairThroughput: speedup / pairThroughput, probeSpeedup, speedupOverProbeSpeedup: speedup / probeSpeedup });
}

const report = {
  machine: { ...(await describeBenchMachine()), loadAfter: loadavg() },
  method: 'simulate = wall time of net.simulate(1000) (1 s of biological time, dt = 0.1 ms), medians over repetitions. pairThroughput = 2 × alone / pair: how many 1-thread runs\' worth of work the two cores do per unit time when both are busy with independent runs. speedup = alone / twoThreads. speedupOverPairThroughput = speedup / pairThroughput. probeSpeedup = the stream probe\'s 1-thread / 2-thread time (median; the update\'s memory pattern alone, 10,000 steps, a barrier per step; stream-probe.cpp).',
  cases,
};
writeFileSync(join(root, 'bench/results/scaling.json'), JSON.stringify(report, null, 2) + '\n');
console.log('| model | N | 1 thread alone | each of 2 runs at once | 2 cores\' throughput | 2 threads | speed-up | speed-up / throughput | probe speed-up | speed-up / probe\'s |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const c of cases)
  console.log(`| ${c.model} | ${c.neurons.toLocaleString('en')} | ${(c.medianMs.alone / 1000).toFixed(2)} s | ${(c.medianMs.pair / 1000).toFixed(2)} s | ${c.pairThroughput.toFixed(2)}× | ${(c.medianMs.twoThreads / 1000).toFixed(2)} s | ${c.speedup.toFixed(2)}× | ${c.speedupOverPairThroughput.toFixed(2)} | ${c.probeSpeedup.toFixed(2)}× | ${c.speedupOverProbeSpeedup.toFixed(2)} |`);
