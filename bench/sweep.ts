// Benchmark of sweep orchestration (issue 4) on a real local Temporal dev server with one worker
// process at concurrency 2: the 36-run CUBA sweep (examples/cuba-sweep.yaml) against the ideal
// (the runs' own codegen + compile + build + simulate + write time, shared by 2 slots), the median
// per-run overhead (attempt wall time − own time), and runs per second for 2000 tiny runs.
// Writes bench/results/sweep.json. Run: npm run bench:sweep   (SPIKESWEEP_BENCH_TINY=0 skips the 2000 runs)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { startLocalServer } from '../sweeps/temporal/local-server.js';

const dir = mkdtempSync(join(tmpdir(), 'spikesweep-sweep-bench-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const env = { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, SPIKESWEEP_LOG_LEVEL: 'warn' };
const cli = (args: string[]): ChildProcess => spawn(process.execPath, ['bin/spikesweep.js', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });

async function sweep(file: string): Promise<{ wallMs: number; result: { output: string; runs: { total: number; completed: number } } }> {
  const started = performance.now();
  const child = cli(['sweep', file, '--json']);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`sweep ${file} exited ${code}: ${out}`);
  return { wallMs: performance.now() - started, result: JSON.parse(out.trim().split('\n').pop()!) };
}

async function runTimes(output: string) {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const reader = await con.runAndReadAll(`SELECT codegen_ms + compile_ms + build_ms + simulate_ms + write_ms AS own, attempt_ms FROM read_parquet('${join(output, 'runs.parquet')}') WHERE status = 'completed'`);
  const rows = reader.getRowObjectsJson() as { own: number; attempt_ms: number }[];
  con.closeSync();
  const own = rows.reduce((s, r) => s + Number(r.own), 0);
  const overheads = rows.map((r) => Number(r.attempt_ms) - Number(r.own)).sort((a, b) => a - b);
  return { runs: rows.length, ownMs: own, medianOverheadMs: overheads[Math.floor(overheads.length / 2)] };
}

const server = await startLocalServer({ dbFile: join(dir, 'bench.db'), port, uiPort: null, logFile: join(dir, 'server.log') });
const worker = cli(['worker', '--queue', 'cpu', '--concurrency', '2', '--threads', '1']);
try {
  await new Promise((r) => setTimeout(r, 8000)); // the worker bundles the workflows
  const cuba = readFileSync('examples/cuba-sweep.yaml', 'utf8').replace('network: cuba.yaml', `network: ${resolve('examples/cuba.yaml')}`).replace('output: out/sweeps', `output: ${join(dir, 'out')}`);
  writeFileSync(join(dir, 'cuba-sweep.yaml'), cuba);
  const big = await sweep(join(dir, 'cuba-sweep.yaml'));
  const bigTimes = await runTimes(big.result.output);
  const report: Record<string, unknown> = {
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, date: new Date().toISOString() },
    cuba36: {
      runs: bigTimes.runs, wallMs: big.wallMs, ownMs: bigTimes.ownMs, idealMs: bigTimes.ownMs / 2,
      wallOverIdeal: big.wallMs / (bigTimes.ownMs / 2), medianOverheadMs: bigTimes.medianOverheadMs,
    },
  };
  if (process.env.SPIKESWEEP_BENCH_TINY !== '0') {
    const net = JSON.parse(JSON.stringify((await import('../network/spec/load.js')).loadNetworkSpec('examples/cuba.yaml')));
    net.populations[0].geometry = 80;
    net.populations[1].geometry = 20;
    for (const p of net.projections) p.connector.probability = 0.1;
    net.monitors = [];
    writeFileSync(join(dir, 'tiny.json'), JSON.stringify(net));
    writeFileSync(join(dir, 'tiny-sweep.yaml'), [
      'name: tiny', `network: ${join(dir, 'tiny.json')}`, 'duration: 10', `output: ${join(dir, 'out')}`, 'maxConcurrent: 2', 'checkpointEvery: 10',
      'vary:', '  grid:', `    - { name: I, paths: [populations.exc.values.El], values: [${Array.from({ length: 500 }, (_, i) => (-50 + i * 0.001).toFixed(3)).join(', ')}] }`,
      'seeds: { policy: sequential, base: 0, count: 4 }', '',
    ].join('\n'));
    const tiny = await sweep(join(dir, 'tiny-sweep.yaml'));
    const tinyTimes = await runTimes(tiny.result.output);
    report.tiny2000 = { runs: tiny.result.runs.completed, wallMs: tiny.wallMs, runsPerSecond: tiny.result.runs.completed / (tiny.wallMs / 1000), medianOverheadMs: tinyTimes.medianOverheadMs };
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/sweep.json', JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify(report, null, 2));
} finally {
  worker.kill('SIGTERM');
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
