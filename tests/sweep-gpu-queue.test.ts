// A cuda sweep end to end without a GPU: the sweep workflow sends its runs to the gpu task queue,
// a `spikesweep worker --queue gpu` process runs each group of them as a batch — copies with their
// own values and seeds in one simulation — on the cuda backend's emulation (SPIKESWEEP_CUDA_EMULATE,
// threads shuffled) and commits each run's outputs on its own, checkpoints included; every run
// equals the same run of the same sweep on the openmp backend, served by a cpu worker, bit for
// bit, and the manifests say which ran in a batch of several copies.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cliEnv, readRuns, startWorker, writeSmallNetwork, writeSweepFile, type WorkerProcess } from './helpers/sweep.js';
import { spikesweep } from './helpers/cli.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

let temporal: TestTemporal;
let dir: string;
const workers: WorkerProcess[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-gpu-queue-'));
  temporal = await startTestTemporal();
});

after(async () => {
  await Promise.all(workers.map((w) => w.kill()));
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
  const openmpManifest = JSON.parse(await readFile(join(openmp.output, 'runs', 'run=0', 'manifest.json'), 'utf8'));
  assert.equal(openmpManifest.batch, null, 'the cpu queue runs one run at a time');
});
