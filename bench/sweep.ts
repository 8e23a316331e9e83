// Benchmark of sweep orchestration (issue 4) on a real local Temporal dev server with one worker
// process at concurrency 2: the 36-run CUBA sweep (examples/cuba-sweep.yaml) against the ideal
// (the runs' own codegen + compile + build + simulate + write + checkpoint time, shared by 2 slots), the median
// per-run overhead (attempt wall time − own time), and runs per second for 2000 tiny runs (without
// monitors, so each writes an empty spikes file; and with CUBA's spike monitors); then,
// on a worker of 64 slots, worker-slot utilisation across batch boundaries: 1500 tiny runs (three
// batches, 3 s simulated each) at maxConcurrent 64 after a warm-up sweep — 64 runs at once on 2
// cores take ~1 s each (the result's medianRunMs) —
// read from the batch workflows' histories (bench/slot-occupancy.ts).
// Writes bench/results/sweep.json. Run: npm run bench:sweep   (SPIKESWEEP_BENCH_CASES=cuba36,tiny2000,tinySpikes2000,boundaries picks cases)
// The runs write under TMPDIR, whose file system the result names: a tiny run's figures depend on it
// (tmpfs, or a disk whose recent deletions slow every file creation; bench/README.md).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describeBenchMachine } from './machine.js';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startLocalServer } from '../sweeps/temporal/local-server.js';
import { activitySpans, slotUse } from './slot-occupancy.js';
import { sweepRunTimes } from './sweep-times.js';

const dir = mkdtempSync(join(tmpdir(), 'spikesweep-sweep-bench-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const env = { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, SPIKESWEEP_LOG_LEVEL: 'warn' };
const cli = (args: string[]): ChildProcess => spawn(process.execPath, ['bin/spikesweep.js', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const CASES = ['cuba36', 'tiny2000', 'tinySpikes2000', 'boundaries'];
// Simulated time of the boundaries case's runs, for runs of ~1 s at 64 at once on 2 cores (the
// issue's case): a tiny run's fixed costs alone take ~0.4 s there on the Zen 4 EPYC VM (10 ms or
// 55 ms simulated alike), and 3 s simulated bring it to ~1 s (0.99 s measured; ~1.6 s on the Zen 3
// VM, whose fixed costs alone took ~1 s). SPIKESWEEP_BENCH_BOUNDARY_MS sets it.
const BOUNDARY_RUN_MS = Number(process.env.SPIKESWEEP_BENCH_BOUNDARY_MS ?? 3000);
const cases = new Set((process.env.SPIKESWEEP_BENCH_CASES ?? CASES.join(',')).split(','));

/** Runs `measure` with one `spikesweep worker` of `concurrency` slots polling, then stops it. */
async function withWorker<T>(concurrency: number, measure: (worker: ChildProcess) => Promise<T>): Promise<T> {
  const worker = cli(['worker', '--queue', 'cpu', '--concurrency', String(concurrency), '--threads', '1']);
  try {
    await new Promise((r) => setTimeout(r, 8000)); // the worker bundles the workflows
    return await measure(worker);
  } finally {
    const exited = new Promise((r) => worker.on('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
}

/** A 100-neuron CUBA, 10 ms per run, with no monitors or CUBA's spike monitors: `runs` of them (a grid × 4 seeds) at `maxConcurrent`. */
async function writeTinySweep(name: string, runs: number, maxConcurrent: number, { spikes = false, durationMs = 10 } = {}): Promise<string> {
  const net = JSON.parse(JSON.stringify((await import('../network/spec/load.js')).loadNetworkSpec('examples/cuba.yaml')));
  net.populations[0].geometry = 80;
  net.populations[1].geometry = 20;
  for (const p of net.projections) p.connector.probability = 0.1;
  if (!spikes) net.monitors = [];
  const network = join(dir, `${name}.json`);
  writeFileSync(network, JSON.stringify(net));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    `name: ${name}`, `network: ${network}`, `duration: ${durationMs}`, `output: ${join(dir, 'out')}`, `maxConcurrent: ${maxConcurrent}`, `checkpointEvery: ${durationMs}`,
    'vary:', '  grid:', `    - { name: I, paths: [populations.exc.values.El], values: [${Array.from({ length: runs / 4 }, (_, i) => (-50 + i * 0.001).toFixed(3)).join(', ')}] }`,
    'seeds: { policy: sequential, base: 0, count: 4 }', '',
  ].join('\n'));
  return file;
}

/** 2000 tiny runs on 2 slots: runs per second, and the median overhead per run. */
async function tinySweep(name: string, spikes: boolean) {
  const tiny = await sweep(await writeTinySweep(name, 2000, 2, { spikes }));
  const times = await sweepRunTimes(tiny.result.output);
  return { runs: tiny.result.runs.completed, wallMs: tiny.wallMs, runsPerSecond: tiny.result.runs.completed / (tiny.wallMs / 1000), medianOverheadMs: times.medianOverheadMs };
}

async function sweep(file: string): Promise<{ wallMs: number; result: { sweepId: string; output: string; runs: { total: number; completed: number } } }> {
  const started = performance.now();
  const child = cli(['sweep', file, '--json']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`sweep ${file} exited ${code}: ${out}`);
  return { wallMs: performance.now() - started, result: JSON.parse(out.trim().split('\n').pop()!) };
}

const server = await startLocalServer({ dbFile: join(dir, 'bench.db'), port, uiPort: null, logFile: join(dir, 'server.log') });
try {
  const report: Record<string, unknown> = {
    machine: await describeBenchMachine(),
    storage: { folder: tmpdir(), fileSystem: spawnSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).stdout.trim() || null },
  };
  if (cases.has('cuba36') || cases.has('tiny2000') || cases.has('tinySpikes2000')) await withWorker(2, async () => {
    if (cases.has('cuba36')) {
      const cuba = readFileSync('examples/cuba-sweep.yaml', 'utf8').replace('network: cuba.yaml', `network: ${resolve('examples/cuba.yaml')}`).replace('output: out/sweeps', `output: ${join(dir, 'out')}`);
      writeFileSync(join(dir, 'cuba-sweep.yaml'), cuba);
      const big = await sweep(join(dir, 'cuba-sweep.yaml'));
      const bigTimes = await sweepRunTimes(big.result.output);
      report.cuba36 = {
        runs: bigTimes.runs, wallMs: big.wallMs, ownMs: bigTimes.ownMs, idealMs: bigTimes.ownMs / 2,
        wallOverIdeal: big.wallMs / (bigTimes.ownMs / 2), medianOverheadMs: bigTimes.medianOverheadMs,
      };
    }
    if (cases.has('tiny2000')) report.tiny2000 = await tinySweep('tiny', false);
    if (cases.has('tinySpikes2000')) report.tinySpikes2000 = await tinySweep('tiny-spikes', true);
  });
  if (cases.has('boundaries')) {
    const slots = 64;
    report.boundaries = await withWorker(slots, async (worker) => {
      // The worker's 64 runner processes start (and the kernel compiles) before the measured sweep.
      await sweep(await writeTinySweep('warm-up', 2 * slots, slots));
      // On a cluster the runs do not share the server's cores; here 64 CPU-bound runs on 2 cores
      // would delay the server's work by seconds, so they go from the runner pool's nice 10 (below
      // the worker) to 19 (below the server too; SPIKESWEEP_BENCH_RENICE=0 leaves them at 10).
      const runners = spawnSync('pgrep', ['-P', String(worker.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      const reniced = process.env.SPIKESWEEP_BENCH_RENICE !== '0' && runners.length > 0 && spawnSync('renice', ['-n', '19', '-p', ...runners]).status === 0;
      const run = await sweep(await writeTinySweep('boundaries', 1500, slots, { durationMs: BOUNDARY_RUN_MS }));
      const { medianAttemptMs } = await sweepRunTimes(run.result.output);
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
      try {
        const spans = await activitySpans(new Client({ connection, namespace: 'default' }), run.result.sweepId, run.result.runs.total);
        return { runs: run.result.runs.completed, simulatedMs: BOUNDARY_RUN_MS, medianRunMs: medianAttemptMs, sweepWallMs: run.wallMs, runnersReniced: reniced, ...slotUse(spans, slots) };
      } finally {
        await connection.close();
      }
    });
  }
  mkdirSync('bench/results', { recursive: true });
  // A subset of the cases gets a file of its own: sweep.json keeps the figures of one complete invocation.
  const all = CASES.every((c) => cases.has(c));
  writeFileSync(`bench/results/${all ? 'sweep' : `sweep-${[...cases].join('-')}`}.json`, JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify(report, null, 2));
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
