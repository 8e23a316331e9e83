// Batches on the cuda backend without a GPU: B copies of one structure, each with its own values
// and seed, run as one emulated cuda simulation (runBatch), threads visited in order and shuffled
// across the copies, in both schedules: resident (a block per copy runs a window of steps, its
// state in shared memory) and per step (each kernel launched once over every copy). Every copy
// gives the spikes (spikesSha256), the state samples and the final state (its last checkpoint's
// arrays) of the OpenMP backend running that copy's values and seed alone — at B = 1 and B = 5,
// for CUBA with its weights varied (resident and per step), for the features network (STDP,
// per-synapse delays drawn per seed, Poisson input, psp) with its input rate and STDP weights
// varied (per step: STDP's postsynaptic events run on the host), and for the features network
// without STDP (resident and per step). The manifests record the schedule each batch ran. Copies share the connectivity that draws nothing from their
// seeds (the features network's all-to-all cue projection): each copy after the first reads the
// first's, as the memory plan counts it, and still gives its own run's bits; CUBA's, drawn from
// each seed, stays every copy's. nvcc builds CUBA's batch kernels for sm_90 within a single
// copy's register budget (64), with no spills and, in exact mode, no fused multiply-add (every
// network's, in tests/cuda.test.ts). On the openmp backend a batch runs its copies in turn with the
// same results. A batch refuses copies of different structures, naming the copy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { cuda } from '../backends/cuda/index.js';
import { compileCheck } from '../backends/cuda/toolchain.js';
import { runBatch, runNetwork, type RunReport } from '../engine/index.js';
import { readSimCheckpoint } from '../engine/checkpoint.js';
import { readProgress } from '../engine/run/layout.js';
import { planMemory } from '../backends/cuda/plan.js';
import { buildIR } from '../network/ir/ir.js';
import { loadNetworkSpec } from '../network/spec/load.js';
import type { NetworkSpec } from '../network/spec/schema.js';
import { ROOT } from './helpers/cli.js';

const REGISTER_BUDGET = 64;

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'spikesweep-cuda-batch-')); });
after(() => rm(dir, { recursive: true, force: true }));

interface Copy { spec: NetworkSpec; seed: number }

// Copy b of CUBA: excitatory weights 1.62 + 0.08 b, inhibitory -9 + 0.3 b, seed 11 + 7 b.
function cubaCopy(b: number): Copy {
  const spec = loadNetworkSpec(join(ROOT, 'examples/cuba.yaml'));
  for (const p of spec.projections) p.connector.weights = p.pre === 'exc' ? 1.62 + 0.08 * b : -9 + 0.3 * b;
  return { spec, seed: 11 + 7 * b };
}

// Copy b of the features network: Poisson rate 100 + 20 b Hz, STDP weights 0.5 + 0.05 b, seed 3 + b.
function featuresCopy(b: number): Copy {
  const spec = loadNetworkSpec(join(ROOT, 'tests/fixtures/features.yaml'));
  spec.populations.find((p) => p.name === 'input')!.values.rates = 100 + 20 * b;
  spec.projections.find((p) => p.name === 'input_exc')!.connector.weights = 0.5 + 0.05 * b;
  return { spec, seed: 3 + b };
}

// Every run writes a final checkpoint: the state the test compares.
const runOptions = (durationMs: number) => ({ durationMs, checkpointEveryMs: durationMs });

interface CopyRun { report: RunReport; outDir: string }

// The features network without STDP: its postsynaptic events keep the full network per step.
function featuresResidentCopy(b: number): Copy {
  const copy = featuresCopy(b);
  copy.spec.projections.find((p) => p.name === 'input_exc')!.synapse = 'static';
  return copy;
}

type Schedule = 'resident' | 'per-step';

async function batchInChild(name: string, copies: Copy[], durationMs: number, order: 'ordered' | 'shuffled', schedule: Schedule): Promise<CopyRun[]> {
  const run = `${name}-${schedule}-${order}-${copies.length}`;
  const outDirs = copies.map((_, b) => join(dir, run, `copy-${b}`));
  const options = { ...runOptions(durationMs), backend: 'cuda', copies: copies.map((c, b) => ({ ...c, outDir: outDirs[b], runId: `copy-${b}` })) };
  const file = join(dir, `${run}.json`);
  writeFileSync(file, JSON.stringify(options));
  // No shared memory for a block: every batch runs per step.
  const env = { ...process.env, SPIKESWEEP_CUDA_EMULATE: '1', SPIKESWEEP_CUDA_ORDER: order, ...(schedule === 'per-step' ? { SPIKESWEEP_CUDA_SHARED_BYTES: '0' } : {}) };
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/helpers/batch-child.ts'), file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  const reports = JSON.parse(stdout.trim().split('\n').at(-1)!) as RunReport[];
  return reports.map((report, b) => ({ report, outDir: outDirs[b] }));
}

// The state monitors' samples, read back with DuckDB (every column but the run's id), in order.
async function stateSamples(outDir: string): Promise<unknown[][]> {
  if (!existsSync(join(outDir, 'state'))) return [];
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const rows = await connection.runAndReadAll(`select population, neuron, t_ms, variable, value from '${join(outDir, 'state', '*.parquet')}' order by all`);
    return rows.getRows();
  } finally {
    connection.closeSync();
  }
}

async function finalState(outDir: string): Promise<Map<string, unknown>> {
  const progress = await readProgress(outDir);
  assert.ok(progress, `${outDir} has a checkpoint`);
  const { state } = await readSimCheckpoint(join(outDir, progress.checkpoint));
  assert.ok(state.arrays.has('exc.v'), 'the checkpoint holds the neurons\' state');
  return new Map([...state.arrays].map(([name, a]) => [name, Array.from(a.data as ArrayLike<number | bigint>)]));
}

// Each network, its copies, their duration and whether its batches run resident by default.
const NETWORKS: [string, (b: number) => Copy, number, boolean][] = [
  ['cuba', cubaCopy, 20, true],
  ['features', featuresCopy, 60, false],
  ['features without STDP', featuresResidentCopy, 60, true],
];

describe('each copy of an emulated cuda batch gives the OpenMP backend\'s spikes and final state for its values and seed', () => {
  for (const [name, copyOf, durationMs, resident] of NETWORKS) {
    test(`${name}: B = 1 and B = 5, threads in order and shuffled, ${resident ? 'resident and per step' : 'per step'}`, async () => {
      const copies = [0, 1, 2, 3, 4].map(copyOf);
      const cpu: CopyRun[] = [];
      for (const [b, c] of copies.entries()) {
        const outDir = join(dir, `${name}-openmp-${b}`);
        cpu.push({ report: await runNetwork({ ...c, ...runOptions(durationMs), backend: 'openmp', threads: 2, outDir }), outDir });
      }
      assert.equal(new Set(cpu.map((r) => r.report.spikesSha256)).size, 5, 'the copies\' values and seeds give five different runs');
      assert.equal((await stateSamples(cpu[0].outDir)).length > 0, name.startsWith('features'), 'the features network samples g_exc');
      const schedules: Schedule[] = resident ? ['resident', 'per-step'] : ['per-step'];
      const batches: [string, Schedule, CopyRun[]][] = [];
      for (const schedule of schedules) {
        batches.push([`${schedule}, B = 1, ordered`, schedule, await batchInChild(name, copies.slice(0, 1), durationMs, 'ordered', schedule)]);
        batches.push([`${schedule}, B = 5, ordered`, schedule, await batchInChild(name, copies, durationMs, 'ordered', schedule)]);
        batches.push([`${schedule}, B = 5, shuffled`, schedule, await batchInChild(name, copies, durationMs, 'shuffled', schedule)]);
      }
      assert.equal(planMemory(copies[0].spec, buildIR(copies[0].spec), 0).resident.chosen, resident, 'the plan names the schedule batches run');
      // What the plan holds once per batch, each copy after the first reads from the first built.
      const sharedBytes = planMemory(copies[0].spec, buildIR(copies[0].spec), 0).sharedBytes;
      assert.equal(sharedBytes > 0, name.startsWith('features'), 'the features network\'s cue projection is all-to-all; CUBA\'s are drawn per seed');
      for (const [what, schedule, runs] of batches) {
        const places = runs.map(({ outDir }) => JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')).batch as { sharedBytes: number; resident: boolean });
        assert.deepEqual(places.map((p) => p.sharedBytes).toSorted((x, y) => x - y), runs.map((_, b) => (b === 0 ? 0 : sharedBytes)), `${what}: bytes each copy reads from another`);
        assert.deepEqual(places.map((p) => p.resident), runs.map(() => schedule === 'resident'), `${what}: the manifest records the schedule`);
        for (const [b, { report, outDir }] of runs.entries()) {
          assert.equal(report.backend, 'cuda');
          assert.equal(report.seed, copies[b].seed);
          assert.equal(report.spikesSha256, cpu[b].report.spikesSha256, `${what}: copy ${b}'s spikes`);
          assert.deepEqual(report.populations, cpu[b].report.populations, `${what}: copy ${b}'s spike counts`);
          assert.deepEqual(await finalState(outDir), await finalState(cpu[b].outDir), `${what}: copy ${b}'s final state`);
          assert.deepEqual(await stateSamples(outDir), await stateSamples(cpu[b].outDir), `${what}: copy ${b}'s state samples`);
        }
      }
    });
  }
});

test('on the openmp backend a batch runs its copies in turn, each giving its run alone\'s spikes', async () => {
  const copies = [0, 1, 2].map(cubaCopy);
  const reports = await runBatch({ durationMs: 10, backend: 'openmp', copies: copies.map((c, b) => ({ ...c, outDir: join(dir, `openmp-batch-${b}`) })) });
  for (const [b, c] of copies.entries()) {
    const alone = await runNetwork({ ...c, durationMs: 10, backend: 'openmp', outDir: join(dir, `openmp-alone-${b}`) });
    assert.equal(reports[b].spikesSha256, alone.spikesSha256, `copy ${b}`);
  }
});

test('a batch refuses copies of different structures, naming the copy', async () => {
  const other = cubaCopy(1);
  other.spec.populations[0].geometry = 3000;
  await assert.rejects(
    runBatch({ durationMs: 1, backend: 'openmp', copies: [{ ...cubaCopy(0), outDir: join(dir, 'refused-0') }, { ...other, outDir: join(dir, 'refused-1') }] }),
    /copies\[1\]: copy 1 differs in structure from copy 0/,
  );
});

test('nvcc compiles CUBA\'s batch kernels for sm_90 within a single copy\'s register budget and its resident kernel within an SM\'s, with no spills and no fused multiply-add', async () => {
  const check = await compileCheck(cuda.generate(buildIR(cubaCopy(0).spec), 'exact'), 'exact');
  const batched = check.kernels.filter((k) => /run_copy_(kernel|tiles)/.test(k.kernel));
  assert.ok(batched.some((k) => /update_p0/.test(k.kernel)), 'the neuron update has a kernel over the copies');
  assert.ok(batched.some((k) => /run_copy_tiles/.test(k.kernel)), 'delivery tiles have a kernel over the copies');
  for (const k of batched) {
    assert.ok(k.registers > 0 && k.registers <= REGISTER_BUDGET, `${k.kernel}: ${k.registers} registers (budget ${REGISTER_BUDGET})`);
    assert.equal(k.spillStores + k.spillLoads, 0, `${k.kernel} spills`);
  }
  const resident = check.kernels.filter((k) => /resident_kernel/.test(k.kernel));
  assert.equal(resident.length, 1, 'the resident schedule is one kernel');
  assert.ok(resident[0].registers <= 128, `the resident kernel: ${resident[0].registers} registers (a 512-thread block alone on an SM holds 128 each)`);
  assert.equal(resident[0].spillStores + resident[0].spillLoads, 0, 'the resident kernel spills');
  assert.doesNotMatch(check.ptx, /\bfma\.rn/, 'exact mode emits no fused multiply-add');
});
