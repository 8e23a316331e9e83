// `spikesweep sweep` with the embedded default (no TEMPORAL_ADDRESS: the CLI uses the local dev
// server at 127.0.0.1:7233 and runs the sweep in an in-process worker): first the README's main job
// (examples/cuba-sweep.yaml, what `npm start` runs once the server is up), its wall time against the
// ideal (the runs' own time on 2 slots); then peak memory for tiny sweeps of different sizes: peak
// RSS of the CLI process, and of its runner processes, sampled from /proc. Flat memory means the
// largest sweep's peak is within 10 % of the smallest's.
//
// The embedded default's address is fixed, so the bench runs in a network namespace of its own
// (`unshare -rn`) with its own dev server and state folder: it cannot meet another user's server.
// Writes bench/results/sweep-memory.json. Run: npm run bench:sweep-memory
// SPIKESWEEP_BENCH_MEMORY_RUNS=1000,20000 (the default) sets the sweep sizes, each a multiple of 4.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describeBenchMachine } from './machine.js';
import { sweepRunTimes } from './sweep-times.js';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ISOLATED = 'SPIKESWEEP_BENCH_ISOLATED';
const SEEDS = 4;
const SAMPLE_MS = 200;

function sweepSizes(): number[] {
  const text = process.env.SPIKESWEEP_BENCH_MEMORY_RUNS ?? '1000,20000';
  const sizes = text.split(',').map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < SEEDS || n % SEEDS !== 0)) {
    throw new Error(`SPIKESWEEP_BENCH_MEMORY_RUNS must list run counts that are multiples of ${SEEDS} (e.g. 1000,20000), got '${text}'`);
  }
  return sizes;
}

/** kB fields of /proc/<pid>/status, in MB; null once the process is gone. */
function memoryOf(pid: number): { rssMB: number; peakMB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: kB('VmRSS') / 1024, peakMB: kB('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

interface Measure {
  runs: number;
  completed: number;
  wallMs: number;
  runsPerSecond: number;
  /** Peak RSS of the `spikesweep sweep` process (VmHWM, last sample before it exited). */
  cliPeakRssMB: number;
  /** RSS of the CLI process when the last run finished and it was about to exit. */
  cliEndRssMB: number;
  /** The largest peak RSS of any one runner process, and how many runner processes there were. */
  runnerPeakRssMB: number;
  runnerProcesses: number;
  /** CLI RSS over the sweep: [seconds since start, MB], every ~10 s. */
  cliRssTimeline: [number, number][];
}

function writeTinySweep(dir: string, runs: number): string {
  const net = JSON.parse(readFileSync(join(dir, 'cuba.json'), 'utf8'));
  net.populations[0].geometry = 80;
  net.populations[1].geometry = 20;
  for (const p of net.projections) p.connector.probability = 0.1;
  net.monitors = [];
  writeFileSync(join(dir, 'tiny.json'), JSON.stringify(net));
  const values = Array.from({ length: runs / SEEDS }, (_, i) => (-50 + i * 0.0001).toFixed(4)).join(', ');
  const file = join(dir, `tiny-${runs}.yaml`);
  writeFileSync(file, [
    `name: tiny-${runs}`, `network: ${join(dir, 'tiny.json')}`, 'duration: 10', `output: ${join(dir, 'out')}`, 'maxConcurrent: 2', 'checkpointEvery: 10',
    'vary:', '  grid:', `    - { name: I, paths: [populations.exc.values.El], values: [${values}] }`,
    `seeds: { policy: sequential, base: 0, count: ${SEEDS} }`, '',
  ].join('\n'));
  return file;
}

/** `spikesweep sweep <file> --json` as a user without a configured server runs it. */
function embeddedSweep(file: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  return spawn(process.execPath, ['bin/spikesweep.js', 'sweep', file, '--json'], { env: { ...env, SPIKESWEEP_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The README's main job (36 runs of CUBA, 2 at a time): wall time against the runs' own time on 2 slots. */
async function mainJob(dir: string) {
  const file = join(dir, 'cuba-sweep.yaml');
  writeFileSync(file, readFileSync('examples/cuba-sweep.yaml', 'utf8').replace('network: cuba.yaml', `network: ${resolve('examples/cuba.yaml')}`).replace('output: out/sweeps', `output: ${join(dir, 'main-job')}`));
  const started = performance.now();
  const child = embeddedSweep(file);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`the main job exited ${code}: ${out}`);
  const wallMs = performance.now() - started;
  const times = await sweepRunTimes(JSON.parse(out.trim().split('\n').pop()!).output);
  const idealMs = times.ownMs / 2;
  return { runs: times.runs, wallMs: Math.round(wallMs), idealMs: Math.round(idealMs), wallOverIdeal: +(wallMs / idealMs).toFixed(2), medianOverheadMs: +times.medianOverheadMs.toFixed(1) };
}

async function measure(dir: string, runs: number): Promise<Measure> {
  const file = writeTinySweep(dir, runs);
  const started = performance.now();
  const child = embeddedSweep(file);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  let done = false;
  void closed.then(() => { done = true; });
  let cli = { rssMB: 0, peakMB: 0 };
  const runners = new Map<number, number>();
  const timeline: [number, number][] = [];
  let nextMark = 0;
  while (!done) {
    // A process that has just exited has no memory fields left.
    const now = memoryOf(child.pid!);
    if (now && Number.isFinite(now.peakMB)) cli = now;
    for (const pid of childrenOf(child.pid!)) {
      const m = memoryOf(pid);
      if (m && Number.isFinite(m.peakMB)) runners.set(pid, Math.max(runners.get(pid) ?? 0, m.peakMB));
    }
    const seconds = (performance.now() - started) / 1000;
    if (now && Number.isFinite(now.rssMB) && seconds >= nextMark) {
      timeline.push([Math.round(seconds), Math.round(now.rssMB)]);
      nextMark += 10;
    }
    await sleep(SAMPLE_MS);
  }
  const code = await closed;
  if (code !== 0) throw new Error(`the ${runs}-run sweep exited ${code}: ${out}`);
  const wallMs = performance.now() - started;
  const result = JSON.parse(out.trim().split('\n').pop()!) as { runs: { completed: number } };
  // The temporal dev server is this bench's, not the CLI's child; runner processes are the rest.
  return {
    runs, completed: result.runs.completed, wallMs: Math.round(wallMs), runsPerSecond: +(result.runs.completed / (wallMs / 1000)).toFixed(1),
    cliPeakRssMB: Math.round(cli.peakMB), cliEndRssMB: Math.round(cli.rssMB),
    runnerPeakRssMB: Math.round(Math.max(0, ...runners.values())), runnerProcesses: runners.size, cliRssTimeline: timeline,
  };
}

async function isolatedBench(): Promise<void> {
  const { startLocalServer } = await import('../sweeps/temporal/local-server.js');
  const { loadNetworkSpec } = await import('../network/spec/load.js');
  const dir = mkdtempSync(join(tmpdir(), 'spikesweep-memory-bench-'));
  writeFileSync(join(dir, 'cuba.json'), JSON.stringify(loadNetworkSpec('examples/cuba.yaml')));
  // 127.0.0.1:7233 is the embedded default's server; in this namespace it is ours.
  const server = await startLocalServer({ dbFile: join(dir, 'dev.db'), logFile: join(dir, 'server.log'), uiPort: null });
  try {
    if (server.reused) throw new Error('a Temporal server already answers on 127.0.0.1:7233 inside the bench namespace');
    const main = await mainJob(dir);
    process.stderr.write(`${JSON.stringify({ mainJob: main })}\n`);
    const measures: Measure[] = [];
    for (const runs of sweepSizes()) {
      measures.push(await measure(dir, runs));
      process.stderr.write(`${JSON.stringify(measures.at(-1))}\n`);
    }
    const first = measures[0]!;
    const last = measures.at(-1)!;
    const report = {
      machine: await describeBenchMachine(),
      mainJob: main,
      measures,
      cliPeakGrowth: +(last.cliPeakRssMB / first.cliPeakRssMB - 1).toFixed(3),
      flat: last.cliPeakRssMB <= first.cliPeakRssMB * 1.1,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/sweep-memory.json', JSON.stringify(report, null, 2) + '\n');
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env[ISOLATED] === '1') {
  await isolatedBench();
} else {
  if (spawnSync('unshare', ['-rn', 'true']).status !== 0) {
    throw new Error('bench/sweep-memory.ts runs in a network namespace of its own (`unshare -rn`), which this machine does not allow');
  }
  const state = mkdtempSync(join(tmpdir(), 'spikesweep-memory-state-'));
  try {
    const script = `ip link set lo up && exec "${process.execPath}" --import tsx bench/sweep-memory.ts`;
    const result = spawnSync('unshare', ['-rn', 'sh', '-c', script], { stdio: 'inherit', env: { ...process.env, [ISOLATED]: '1', XDG_DATA_HOME: state } });
    process.exitCode = result.status ?? 1;
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
