// A cuda sweep end to end without a GPU: the sweep workflow sends its runs to the gpu task queue,
// a `spikesweep worker --queue gpu` process runs each group of them as a batch — copies with their
// own values and seeds in one simulation — on the cuda backend's emulation (SPIKESWEEP_CUDA_EMULATE,
// threads shuffled) and commits each run's outputs on its own, checkpoints included; every run
// equals the same run of the same sweep on the openmp backend, served by a cpu worker, bit for
// bit, and the manifests say which ran in a batch of several copies, each batch resident (a block
// per copy, its state in shared memory: backends/README.md). A gpu worker SIGKILLed
// mid-batch leaves each copy's checkpoint named in the batch's heartbeat: the next worker resumes
// each of those runs alone from it, and every run still equals its openmp twin.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { loadSweepSpec } from '../sweeps/spec.js';
import { sweepIdOf } from '../sweeps/ids.js';
import { runPaths } from '../results/layout.js';
import { childPids, cliEnv, pendingRuns, pidAlive, readRuns, startWorker, waitFor, writeSmallNetwork, writeSweepFile, type WorkerProcess } from './helpers/sweep.js';
import { spikesweep } from './helpers/cli.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

let temporal: TestTemporal;
let dir: string;
let workers: WorkerProcess[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-gpu-queue-'));
  temporal = await startTestTemporal();
});

afterEach(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  workers = [];
});

after(async () => {
  await temporal?.stop();
  if (process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

test('a cuda sweep runs on the gpu queue, and each run equals its openmp twin', { timeout: 300_000 }, async () => {
  const network = await writeSmallNetwork(dir);
  const output = join(dir, 'out');
  const sweep = (backend: string) => writeSweepFile(dir, `gpu-queue-${backend}`, {
    // One slot: the first group is one run, the next ones share what is left (4 runs, then 2, then 1).
    name: `gpu-queue-${backend}`, network, backend, duration: 200, output, maxConcurrent: 1, checkpointEvery: 100,
    vary: { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values: [1.2, 2.0] }] },
    seeds: { policy: 'sequential', base: 3, count: 4 },
  });
  const files = { cuda: await sweep('cuda'), openmp: await sweep('openmp') };

  // Info-level logs: what a stuck sweep's workers were doing reaches the failure message.
  const info = { SPIKESWEEP_LOG_LEVEL: 'info' };
  workers.push(startWorker(temporal.address, { queue: 'gpu', concurrency: 1, env: { ...info, SPIKESWEEP_CUDA_EMULATE: '1', SPIKESWEEP_CUDA_ORDER: 'shuffled' } }));
  workers.push(startWorker(temporal.address, { queue: 'cpu', concurrency: 2, env: info }));
  await Promise.all(workers.map((w) => w.ready));

  const [cuda, openmp] = await Promise.all([files.cuda, files.openmp].map(async (file) => {
    // Killed well inside the test's timeout, so that a stuck sweep fails with what the workers said.
    const r = await spikesweep(['sweep', file, '--json'], cliEnv(temporal.address), 200_000).done;
    const said = workers.map((w, k) => `worker ${k} stderr (tail):\n${w.stderr().slice(-12_000)}`).join('\n');
    if (r.code !== 0) {
      const files = (await readdir(output, { recursive: true })).sort().join('\n');
      assert.fail(`${file}: exit ${r.code ?? r.signal}\n${r.stderr}\n${r.stdout}\n${said}\nfiles under ${output}:\n${files}`);
    }
    const report = r.json as { status: string; output: string; runs: { completed: number } };
    assert.equal(report.status, 'completed');
    assert.equal(report.runs.completed, 8);
    return { output: report.output, rows: await readRuns(report.output) };
  }));

  assert.deepEqual(cuda.rows.map((r) => r.backend), Array(8).fill('cuda'));
  assert.deepEqual(openmp.rows.map((r) => r.backend), Array(8).fill('openmp'));
  assert.ok(cuda.rows.every((r) => r.status === 'completed' && typeof r.spikes_sha256 === 'string'));
  assert.deepEqual(cuda.rows.map((r) => [r.run, r.seed, r.we]), openmp.rows.map((r) => [r.run, r.seed, r.we]));
  assert.deepEqual(cuda.rows.map((r) => r.spikes_sha256), openmp.rows.map((r) => r.spikes_sha256), 'every cuda run gives its openmp twin\'s spikes');
  assert.equal(new Set(cuda.rows.map((r) => r.spikes_sha256)).size, 8, 'the runs differ from each other');

  // Each run's manifest records the cuda backend in exact mode and its place in its group's batch.
  const manifests = await Promise.all(cuda.rows.map(async (r) => JSON.parse(await readFile(join(cuda.output, 'runs', `run=${r.run}`, 'manifest.json'), 'utf8'))));
  assert.ok(manifests.every((m) => m.kernel.backend === 'cuda' && m.kernel.cudaMode === 'exact'));
  assert.ok(manifests.every((m) => m.batch !== null && m.batch.copy < m.batch.copies), 'every cuda run ran in a batch');
  assert.ok(manifests.some((m) => m.batch.copies >= 2), `some runs shared a batch (batches: ${JSON.stringify(manifests.map((m) => m.batch))})`);
  assert.ok(manifests.every((m) => m.batch.resident), 'every batch ran the resident schedule: a CUBA of 100 neurons fits a block\'s shared memory');
  const openmpManifest = JSON.parse(await readFile(join(openmp.output, 'runs', 'run=0', 'manifest.json'), 'utf8'));
  assert.equal(openmpManifest.batch, null, 'the cpu queue runs one run at a time');
});

test('a gpu worker SIGKILLed mid-batch: the next worker resumes each copy from the checkpoint the batch heartbeated, alone, and every run equals its openmp twin', { timeout: 300_000 }, async (t) => {
  const network = await writeSmallNetwork(dir, 'cuba100-resume');
  const output = join(dir, 'out-resume');
  // Runs of ~1.3 s emulated resident (~3 s on a loaded machine): the first group is one run, the
  // next a batch of two (GROUP_TARGET_MS' worth, capped at two by the runs left), long enough for
  // its heartbeat to name both copies' checkpoints before it ends.
  const body = (backend: string) => ({
    name: `gpu-resume-${backend}`, network, backend, duration: 8_000, output, maxConcurrent: 1, checkpointEvery: 500,
    vary: { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values: [1.2, 2.0] }] },
    seeds: { policy: 'sequential', base: 5, count: 2 },
  });
  const file = await writeSweepFile(dir, 'gpu-resume-cuda', body('cuda'));
  const spec = loadSweepSpec(file);
  const sweepId = sweepIdOf(spec.name, spec.specHash);
  const gpuEnv = { SPIKESWEEP_CUDA_EMULATE: '1', SPIKESWEEP_CUDA_ORDER: 'shuffled' };
  const first = startWorker(temporal.address, { queue: 'gpu', concurrency: 1, env: gpuEnv });
  workers.push(first);
  await first.ready;
  const sweep = spikesweep(['sweep', file, '--json'], cliEnv(temporal.address), 240_000);

  const { client } = await temporal.client();
  const committed = (run: number) => existsSync(runPaths(output, sweepId, run).summary);
  const victims = await waitFor('a batch whose heartbeat names two copies\' checkpoints', async () => {
    const pending = await pendingRuns(client, `${sweepId}/runs-0-4`).catch(() => []);
    const checkpoints = pending.flatMap((p) => (p.details as { checkpoints?: { runIndex: number; step: number }[] } | null)?.checkpoints ?? []);
    return checkpoints.length >= 2 ? checkpoints.map((c) => c.runIndex) : null;
  }, 150_000, 100);
  assert.ok(victims.every((run) => !committed(run)), 'the batch is still running (make the runs longer if this fails)');
  const children = childPids(first.pid);
  await first.kill('SIGKILL');
  await waitFor('the killed worker\'s run processes to exit', () => children.every((p) => !pidAlive(p)), 10_000, 20);

  workers.push(startWorker(temporal.address, { queue: 'gpu', concurrency: 1, env: gpuEnv }));
  const r = await sweep.done;
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
  const cuda = await readRuns((r.json as { output: string }).output);
  for (const run of victims) {
    const row = cuda[run];
    t.diagnostic(`run ${run}: attempts ${row.attempts}, lost workers ${row.lost_workers}, resumed from ${row.resumed_from_ms} ms`);
    assert.equal(row.status, 'completed');
    assert.equal(row.attempts, 1, `run ${run}: the lost worker used none of its budget`);
    assert.ok(Number(row.lost_workers) >= 1, `run ${run} counts the lost worker`);
    assert.ok(row.resumed_from_ms > 0, `run ${run} resumed from its checkpoint (${row.resumed_from_ms} ms)`);
  }

  workers.push(startWorker(temporal.address, { queue: 'cpu', concurrency: 2 }));
  const twin = await spikesweep(['sweep', await writeSweepFile(dir, 'gpu-resume-openmp', body('openmp')), '--json'], cliEnv(temporal.address), 240_000).done;
  assert.equal(twin.code, 0, twin.stderr);
  const openmp = await readRuns((twin.json as { output: string }).output);
  assert.deepEqual(cuda.map((row) => row.spikes_sha256), openmp.map((row) => row.spikes_sha256), 'every run, resumed or not, gives its openmp twin\'s spikes');
});
