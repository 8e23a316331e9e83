// The sweep API (sweeps/, `spikesweep/sweep`) on a real dev server with a real worker process:
// examples/sweep.ts — a network built in code, submitted as an object, followed, queried by SQL —
// runs to completion on openmp and on serial; runs.parquet (read back by pyarrow) and each run's
// manifest record the backend, and both backends give the same spikes per run. In process: attach
// by id, status, SQL, and cancelling a running sweep.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runPaths } from '../results/index.js';
import { SweepClient } from '../sweeps/index.js';
import { python } from './helpers/python.js';
import { cliEnv, cubaSpec, startWorker, waitFor, type WorkerProcess } from './helpers/sweep.js';
import { ROOT } from './helpers/cli.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

let temporal: TestTemporal;
let dir: string;
let worker: WorkerProcess | null = null;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-sweep-api-'));
  temporal = await startTestTemporal();
  worker = startWorker(temporal.address, { concurrency: 2 });
  await worker.ready;
});

after(async () => {
  await worker?.kill();
  await temporal?.stop();
  if (process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

/** Runs examples/sweep.ts against the test server; resolves with its exit code, output and dataset folder. */
function runExample(backend: string): Promise<{ code: number | null; stdout: string; stderr: string; dataset: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', 'sweep.ts'), '--out', join(dir, 'out'), '--backend', backend], { cwd: ROOT, env: cliEnv(temporal.address), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, dataset: /^results: (.+)$/m.exec(stdout)?.[1] ?? '' })));
}

/** runs.parquet through pyarrow: run, backend, status, spikes_sha256 per row. */
function runsByPyarrow(dataset: string): { run: number; backend: string; status: string; spikes_sha256: string }[] {
  const py = spawnSync(python, ['-c', `
import json, sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1], columns=['run', 'backend', 'status', 'spikes_sha256'])
print(json.dumps(sorted(t.to_pylist(), key=lambda r: r['run'])))
`, join(dataset, 'runs.parquet')], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout);
}

describe('the sweep API', () => {
  const datasets: Record<string, string> = {};

  test('examples/sweep.ts completes on openmp and on serial; the backend is in runs.parquet and every run manifest; same spikes on both', { timeout: 300_000 }, async () => {
    for (const backend of ['openmp', 'serial']) {
      const run = await runExample(backend);
      assert.equal(run.code, 0, `examples/sweep.ts --backend ${backend} failed:\n${run.stderr}\n${run.stdout}`);
      assert.match(run.stdout, /^sweep cuba-api-[0-9a-f]{12}: 4 runs/m);
      assert.match(run.stdout, /completed: 4 done, 0 failed, 0 running of 4/);
      assert.match(run.stdout, /│ run │ we +│ seed │ backend +│ status/, 'the SQL result table');
      datasets[backend] = run.dataset;
      const rows = runsByPyarrow(run.dataset);
      assert.deepEqual(rows.map((r) => [r.run, r.backend, r.status]), [0, 1, 2, 3].map((i) => [i, backend, 'completed']));
      for (const i of [0, 1, 2, 3]) {
        const manifest = JSON.parse(readFileSync(join(runPaths(join(dir, 'out'), run.dataset.split('/').pop()!, i).runDir, 'manifest.json'), 'utf8'));
        assert.equal(manifest.report.backend, backend, `run ${i}'s manifest`);
      }
      const sweepManifest = JSON.parse(readFileSync(join(run.dataset, 'manifest.json'), 'utf8'));
      assert.equal(sweepManifest.backend, backend);
    }
    assert.notEqual(datasets.openmp, datasets.serial, 'the backend is part of the sweep id');
    const openmp = runsByPyarrow(datasets.openmp);
    const serial = runsByPyarrow(datasets.serial);
    for (const [i, row] of openmp.entries()) {
      assert.match(row.spikes_sha256, /^[0-9a-f]{64}$/);
      assert.equal(serial[i].spikes_sha256, row.spikes_sha256, `run ${i}: serial spikes = openmp spikes`);
    }
  });

  test('attach by id: status, SQL over the views; cancel a running sweep', { timeout: 300_000 }, async () => {
    assert.ok(datasets.openmp, 'the example ran');
    const client = await SweepClient.connect({ env: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default' } });
    try {
      assert.equal(client.local, false);
      const sweepId = datasets.openmp.split('/').pop()!;
      const done = await client.attach(`sweep-${sweepId}`);
      assert.equal(done.sweepId, sweepId);
      assert.equal(done.total, 4);
      const status = await done.status();
      assert.deepEqual([status.status, status.workflowStatus, status.completed, status.failed, status.output], ['completed', 'COMPLETED', 4, 0, datasets.openmp]);
      const { columns, rows } = await done.query('SELECT we, count(*) AS runs, count(DISTINCT spikes_sha256) AS hashes FROM runs GROUP BY we ORDER BY we');
      assert.deepEqual(columns, ['we', 'runs', 'hashes']);
      assert.deepEqual(rows, [{ we: 1.2, runs: 2, hashes: 2 }, { we: 2, runs: 2, hashes: 2 }]);
      const spikes = await done.query('SELECT count(*) AS n FROM spikes');
      assert.ok(Number(spikes.rows[0].n) > 0);
      // Following a closed sweep yields its final count, and leaves no poll timer pending: one
      // would hold a CLI open for up to an interval after its sweep ended.
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const timersBefore = timers();
      const followed = [];
      for await (const p of done.follow({ intervalMs: 60_000 })) followed.push(p);
      assert.deepEqual(followed.map((p) => [p.status, p.completed]), [['completed', 4]]);
      assert.equal(timers(), timersBefore);
      // A sweep that has ended has nothing to cancel: cancel gives its result, not "no sweep".
      assert.deepEqual(await done.cancel().then((r) => [r.status, r.completed]), ['completed', 4]);

      // A long sweep from an object with a network spec, cancelled once a run is in flight.
      const long = await client.submit({
        name: 'api-cancel', network: await cubaSpec(), duration: 100_000, checkpointEvery: 5000, maxConcurrent: 2,
        vary: { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights'], values: [1.2, 1.62, 2.0] }] }, output: join(dir, 'out'),
      });
      assert.equal(long.attached, false);
      await waitFor('a run in flight', () => existsSync(join(runPaths(join(dir, 'out'), long.sweepId, 0).work, 'out', 'progress.json')), 120_000, 200);
      // Followed while it runs, polled every 10 ms: nothing may pile up per poll (Node warns at 11
      // abort listeners on one signal; the Temporal client adds one per call and keeps it).
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      const seen: string[] = [];
      const following = (async () => {
        for await (const p of long.follow({ intervalMs: 10 })) seen.push(p.status);
      })();
      await setTimeout(1500);
      const result = await long.cancel();
      await following;
      process.off('warning', onWarning);
      assert.ok(seen.length > 0, 'follow yielded the running sweep');
      assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map(String), []);
      assert.equal(result.status, 'cancelled');
      assert.equal(result.total, 3);
      const cancelled = await long.query("SELECT count(*) AS n FROM runs WHERE status = 'cancelled'");
      assert.ok(Number(cancelled.rows[0].n) >= 1);
    } finally {
      await client.close();
    }
  });
});
