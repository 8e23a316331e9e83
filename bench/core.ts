// Benchmark of the simulation core (issue 2): the CUBA and COBA reference networks (4000 neurons,
// 1 s, 1 and 2 threads) and CUBA along a fixed-in-degree series (p = 80/N, N = 4k, 32k, 256k).
// Prints one JSON document with phase timings per case and writes it to bench/results/core.json (core-<backend>.json for another backend).
// Run: npm run bench            (SPIKESWEEP_BENCH_SIZES=4000,32000 to shorten the series)
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describeBenchMachine } from './machine.js';
import { join } from 'node:path';
import { BACKEND_NAMES, backendFor, isBackendName, type BackendName } from '../backends/index.js';
import { cobaNetwork } from '../examples/coba.js';
import { cubaNetwork } from '../examples/cuba.js';

type Model = 'CUBA' | 'COBA';
const NETWORKS = { CUBA: cubaNetwork, COBA: cobaNetwork };

interface Case {
  model: Model;
  neurons: number;
  threads: number;
  synapses: number;
  bytesPerSynapse: number;
  meanRateHz: number;
  timings: { codegenMs: number; compileMs: number; cacheHit: boolean; buildMs: number; simulateMs: number };
}

async function measure(model: Model, n: number, p: number, threads: number, cacheDir: string): Promise<Case> {
  const net = NETWORKS[model]({ seed: 1234, neurons: n, probability: p, threads });
  const compiled = await net.compile({ directory: cacheDir, backend });
  const started = performance.now();
  await net.simulate(1000);
  const simulateMs = performance.now() - started;
  const spikes = net.monitors.reduce((s, m) => s + m.get('spike').neurons.length, 0);
  const arrays = net.arrays();
  const projections = net.projections.map((j) => j.name);
  const synapses = arrays.filter((a) => a.name.endsWith('._col')).reduce((s, a) => s + a.length, 0);
  const width = { f64: 8, f32: 4, i32: 4, i64: 8, u16: 2, u8: 1 } as const;
  const projectionBytes = arrays.filter((a) => projections.some((j) => a.name.startsWith(`${j}.`))).reduce((s, a) => s + a.length * width[a.dtype], 0);
  net.destroy();
  return {
    model, neurons: n, threads, synapses, bytesPerSynapse: projectionBytes / synapses, meanRateHz: spikes / n,
    timings: { codegenMs: compiled.codegenMs, compileMs: compiled.compileMs, cacheHit: compiled.cacheHit, buildMs: compiled.buildMs, simulateMs },
  };
}

const sizes = (process.env.SPIKESWEEP_BENCH_SIZES ?? '4000,32000,256000').split(',').map(Number);
// SPIKESWEEP_BENCH_BACKEND=serial measures the reference schedule (one thread only).
const backendName = process.env.SPIKESWEEP_BENCH_BACKEND ?? 'openmp';
if (!isBackendName(backendName)) throw new Error(`SPIKESWEEP_BENCH_BACKEND: expected one of ${BACKEND_NAMES.join(', ')}, got '${backendName}'`);
const backend: BackendName = backendName;
const threadCounts = [1, 2].filter((t) => t <= backendFor(backend).maxThreads);
const cacheDir = mkdtempSync(join(tmpdir(), 'spikesweep-bench-'));
const cases: Case[] = [];
const log = (c: Case) => { cases.push(c); console.error(`${c.model} N=${c.neurons} threads=${c.threads}: simulate ${c.timings.simulateMs.toFixed(1)} ms, compile ${c.timings.compileMs.toFixed(0)} ms${c.timings.cacheHit ? ' (cache hit)' : ''}, ${c.meanRateHz.toFixed(2)} Hz`); };
try {
  // Compile figures: the first network also builds the runtime object and header (once per
  // toolchain); the second is a new structure with them cached; the rest hit the kernel cache.
  for (const model of ['CUBA', 'COBA'] as const) for (const threads of threadCounts) log(await measure(model, 4000, 0.02, threads, cacheDir));
  for (const n of sizes) for (const threads of threadCounts) log(await measure('CUBA', n, 80 / n, threads, cacheDir));
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}

const report = {
  backend,
  machine: await describeBenchMachine(),
  note: 'simulate = wall time of net.simulate(1000) for 1 s of biological time at dt = 0.1 ms; compile = code generation excluded, the backend compiler included.',
  cases,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(backend === 'openmp' ? 'bench/results/core.json' : `bench/results/core-${backend}.json`, JSON.stringify(report, null, 2) + '\n');
console.log(JSON.stringify(report, null, 2));
