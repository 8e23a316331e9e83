// spikesweep beside Brian2 (cpp_standalone), ANNarchy 5 and NEST on this machine (issue 5).
// Run: npm run bench:peers   (after bash bench/peers/setup.sh)
// Each case (model, N, threads) runs the simulators alternately — spikesweep, peer 1, peer 2, …,
// spikesweep, … — each in its own process, for PEERS_REPS repetitions (default 5; the issue asks for at
// least five); repetition i runs seed i + 1 everywhere. Writes medians to
// bench/results/latest.json under this machine's CPU kind (bench/peers/latest.ts; other kinds'
// results stay), then prints them as a table (bench/peers/table.ts).
// Build (code generation + compile) is measured cold in every repetition of the N = 4000, 1-thread
// cases; all other cases reuse their compiled code (a per-case directory, compiled once before
// the timed repetitions), so their build phase is not reported.
// Env: PEERS_SIZES (4000,32000,256000), PEERS_MODELS (cuba,coba), PEERS_THREADS (1,2),
// PEERS_TIMEOUT_S (per process, default 150; a peer that exceeds it at some N is not run at larger
// N nor with other thread counts for that model), PEERS_SKIP (peers to leave out, recorded unless an
// appended run already says why), PEERS_APPEND=1 (add to this CPU kind's rows in latest.json,
// replacing those measured again), PEERS_MAX_LOAD (0.5) and PEERS_WAIT_S (600): wait until the 1-min load average is below
// PEERS_MAX_LOAD, at most PEERS_WAIT_S, then measure anyway and record the load.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { cpuKind, describeBenchMachine } from '../machine.js';
import { join, resolve } from 'node:path';
import { readLatest, saveLatest } from './latest.js';
import { markdown, median, ratesFrom, type Report, type Row } from './table.js';

const root = resolve(import.meta.dirname, '../..');
const venv = join(root, '.cache/peers-venv');
const work = join(root, '.cache/peers-work');
const env = (k: string, d: string) => process.env[k] ?? d;
const list = (k: string, d: string) => env(k, d).split(',').filter(Boolean);
const sizes = list('PEERS_SIZES', '4000,32000,256000').map(Number);
const models = list('PEERS_MODELS', 'cuba,coba');
const threadsList = list('PEERS_THREADS', '1,2').map(Number);
const timeoutS = Number(env('PEERS_TIMEOUT_S', '150'));
const maxLoad = Number(env('PEERS_MAX_LOAD', '0.5'));
const reps = Number(env('PEERS_REPS', '5'));
const PHASES = ['build', 'construct', 'simulate', 'total'] as const;

interface Result { peer: string; version?: string; phases: Record<string, number>; peakRssMiB: number; peakRssChildrenMiB?: number; meanRateHz: number }

// Peer availability: installed by setup.sh, then importable.
const peers: Report['peers'] = {};
const python = join(venv, 'bin/python');
const pyEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', VIRTUAL_ENV: venv, PATH: `${join(venv, 'bin')}:${process.env.PATH}` }; // ANNarchy's CMake finds nanobind through the venv's python
const install = existsSync(join(venv, 'install-status.json')) ? JSON.parse(readFileSync(join(venv, 'install-status.json'), 'utf8')) : {};
const IMPORT = { brian2: 'brian2', annarchy: 'ANNarchy', nest: 'nest' } as const;
const PIP = { brian2: 'brian2', annarchy: 'annarchy', nest: 'nest-simulator' } as const;
for (const name of Object.keys(IMPORT) as (keyof typeof IMPORT)[]) {
  const st = install[PIP[name]];
  if (!existsSync(python)) { peers[name] = { status: 'not installed', reason: 'no venv at .cache/peers-venv: run bash bench/peers/setup.sh' }; continue; }
  if (st && !st.installed) { peers[name] = { status: 'install failed', reason: st.reason }; continue; }
  const r = spawnSync(python, ['-c', `import importlib.metadata as m, ${IMPORT[name]}; print(m.version('${PIP[name]}'))`], { env: pyEnv, encoding: 'utf8' });
  peers[name] = r.status === 0 ? { version: r.stdout.trim().split('\n').pop(), status: 'ran' } : { status: 'import failed', reason: (r.stderr || '').trim().split('\n').slice(-3).join(' ') };
}
const skipPeers = list('PEERS_SKIP', ''); // peers left out of this invocation (recorded in `skipped`)
const available = Object.keys(peers).filter((p) => peers[p].status === 'ran' && !skipPeers.includes(p));

function waitForQuiet(): number[] {
  const deadline = Date.now() + Number(env('PEERS_WAIT_S', '600')) * 1000;
  while (loadavg()[0] > maxLoad && Date.now() < deadline) {
    console.error(`load average ${loadavg()[0].toFixed(2)} > ${maxLoad}: waiting`);
    spawnSync('sleep', ['15']);
  }
  return loadavg();
}

function runOne(peer: string, model: string, n: number, threads: number, warm: boolean, seed: number): Result | { error: string } {
  const dir = join(work, `${peer}-${model}-${n}-${threads}`);
  mkdirSync(dir, { recursive: true });
  const args = ['--model', model, '--neurons', String(n), '--threads', String(threads), '--seed', String(seed)];
  const r = peer === 'spikesweep'
    ? spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/peers/spikesweep.ts'), ...args, '--cache', join(work, 'spikesweep-cache'), ...(warm ? ['--warm'] : [])], { cwd: root, encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 26 })
    : spawnSync(python, [join(root, `bench/peers/${peer}_net.py`), ...args, '--dir', dir, ...(warm ? ['--warm'] : [])], { cwd: work, env: pyEnv, encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0) {
    const why = r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `exceeded the ${timeoutS} s limit per run` : `exit ${r.status ?? r.signal}: ${(r.stderr || String(r.error)).trim().split('\n').slice(-4).join(' ').slice(0, 600)}`;
    return { error: why };
  }
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return line ? (JSON.parse(line) as Result) : { error: `no JSON in output: ${r.stdout.slice(-300)}` };
}

const rows: Row[] = [];
const skipped: NonNullable<Report['skipped']> = [];
const raw: Record<string, unknown>[] = [];
const latestFile = join(root, 'bench/results/latest.json');
const loadBefore = waitForQuiet();
const machine = await describeBenchMachine();
const kind = cpuKind(machine);
const previous = process.env.PEERS_APPEND === '1' ? (readLatest(latestFile).cpus[kind] as (Report & { raw?: Record<string, unknown>[]; machine: { loadBefore?: number[]; loadMaxSeen?: number; date?: string } }) | undefined) ?? null : null;
// Appending keeps the earlier invocation's results except those this one measures again.
type Case = { model: string; neurons: number; threads: number; peer?: unknown };
const remeasured = (r: Case) =>
  models.includes(r.model) && sizes.includes(r.neurons) && threadsList.includes(r.threads) && ['spikesweep', ...available].includes(String(r.peer));
if (previous) {
  rows.push(...previous.rows.filter((r) => !remeasured(r)));
  skipped.push(...(previous.skipped ?? []).filter((r) => !remeasured(r)));
  raw.push(...(previous.raw ?? []).filter((r) => !remeasured(r as Case)));
}
// `${peer}/${model}` past the time limit at some N: not run at larger N or other thread counts
// (construction, which dominates there, does not get faster with threads in any of the peers).
const gave_up = new Set<string>();
const loads: number[] = [];
const report = (): Report => ({
  machine: { ...machine, python: spawnSync(python, ['--version'], { encoding: 'utf8' }).stdout.trim(), loadBefore, loadAfter: loadavg(), loadMaxSeen: Math.max(...loads, loadBefore[0], previous?.machine.loadMaxSeen ?? 0), date: new Date().toISOString(), ...(previous ? { earlierInvocation: { loadBefore: previous.machine.loadBefore, date: previous.machine.date } } : {}) },
  method: 'Medians over alternating runs (spikesweep, peer, peer, …), each a fresh process. Phases: spikesweep codegen+compile ↔ peer build (Brian2 cpp_standalone code generation + compile; ANNarchy compile() minus instantiation; NEST none); spikesweep build (connectivity + initial values) ↔ construct; simulate = the 1 s simulation loop only (1 s of biological time, dt = 0.1 ms); total = process-internal wall time from import to end. ratio = spikesweep / peer. build is cold (fresh kernel compile; spikesweep keeps its per-toolchain runtime object) and reported only for N = 4000, 1 thread; other cases reuse compiled code.',
  integration: 'spikesweep, ANNarchy and Brian2 (method="euler") integrate with explicit Euler at 0.1 ms; NEST uses iaf_psc_exp (exact integration) for CUBA and iaf_cond_exp (GSL RKF45, adaptive) for COBA with parameters mapped in bench/peers/nest_net.py, and a 0.1 ms synaptic delay (= one step, as the others).',
  timeLimit: `${timeoutS} s per run; a peer over it at some N is not run at larger N for that model and thread count`,
  rows: rows.map((r) => (r.phase === 'peakRssMiB' ? { ...r, ratio: r.spikesweepMs / r.peerMs } : r)), peers, rates: ratesFrom(raw as never), skipped, raw,
});
const save = () => saveLatest(latestFile, kind, report());

rmSync(join(work, 'spikesweep-cache'), { recursive: true, force: true });
for (const n of sizes) for (const model of models) for (const threads of threadsList) {
  const cold = n === 4000 && threads === 1;
  for (const p of skipPeers)
    if (!skipped.some((r) => r.model === model && r.neurons === n && r.threads === threads && r.peer === p))
      skipped.push({ model, neurons: n, threads, peer: p, reason: `not run (PEERS_SKIP=${skipPeers.join(',')})` });
  const sims = ['spikesweep', ...available].filter((p) => {
    if (!gave_up.has(`${p}/${model}`)) return true;
    skipped.push({ model, neurons: n, threads, peer: p, reason: `not run: exceeded the ${timeoutS} s limit per run at this or a smaller N` });
    return false;
  });
  const results: Record<string, Result[]> = {};
  // Untimed preparation: spikesweep's per-toolchain runtime; compiled code for the warm cases.
  for (const p of sims) {
    if (!cold || p === 'spikesweep') {
      const r = runOne(p, model, n, threads, false, 1);
      if ('error' in r) { skipped.push({ model, neurons: n, threads, peer: p, reason: r.error }); if (r.error.includes('limit')) gave_up.add(`${p}/${model}`); }
    }
  }
  const live = sims.filter((p) => !skipped.some((s) => s.peer === p && s.model === model && s.neurons === n && s.threads === threads));
  for (let i = 0; i < reps; i++) {
    const seed = i + 1; // every simulator runs seeds 1, 2, …: the rates below are means over seeds
    for (const p of live) {
      if (skipped.some((s) => s.peer === p && s.model === model && s.neurons === n && s.threads === threads)) continue;
      const r = runOne(p, model, n, threads, !cold, seed);
      loads.push(loadavg()[0]);
      if ('error' in r) { skipped.push({ model, neurons: n, threads, peer: p, reason: r.error }); if (r.error.includes('limit')) gave_up.add(`${p}/${model}`); continue; }
      (results[p] ??= []).push(r);
      raw.push({ model, neurons: n, threads, rep: i, seed, ...r });
      console.error(`${model} N=${n} T=${threads} rep ${i} ${p}: ${Object.entries(r.phases).map(([k, v]) => `${k} ${v === null ? '—' : v.toFixed(0)}`).join(', ')} ms, ${r.meanRateHz.toFixed(2)} Hz, load ${loadavg()[0].toFixed(2)}`);
    }
  }
  const ours = results.spikesweep ?? [];
  for (const p of Object.keys(results)) {
    if (p === 'spikesweep' || !ours.length) continue;
    for (const phase of PHASES) {
      if (phase === 'build' && !cold) continue;
      const a = median(ours.map((r) => r.phases[phase])), b = median(results[p].map((r) => r.phases[phase]));
      rows.push({ model, neurons: n, threads, peer: p, phase, spikesweepMs: a, peerMs: b, ratio: b > 0 ? a / b : NaN, reps: Math.min(ours.length, results[p].length) });
    }
    rows.push({ model, neurons: n, threads, peer: p, phase: 'peakRssMiB', spikesweepMs: median(ours.map((r) => r.peakRssMiB)), peerMs: median(results[p].map((r) => Math.max(r.peakRssMiB, r.peakRssChildrenMiB ?? 0))), ratio: NaN, reps: results[p].length });
  }
  save();
}
save();
console.log(markdown(readLatest(latestFile)));
