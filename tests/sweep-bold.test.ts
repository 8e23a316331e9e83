// BOLD monitors in a sweep: each run's BOLD samples land in the dataset's `bold` partition
// (bold/run=<i>/), which `spikesweep results` reads as the `bold` view, and a run's samples equal
// those of `spikesweep run` with the same values and seed.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cliEnv, query, startWorker, writeSweepFile, type WorkerProcess } from './helpers/sweep.js';
import { runCli, spikesweep } from './helpers/cli.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

const root = new URL('..', import.meta.url).pathname;
let temporal: TestTemporal;
let dir: string;
let worker: WorkerProcess | null = null;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-sweep-bold-'));
  temporal = await startTestTemporal();
});

after(async () => {
  await worker?.kill();
  await temporal?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a sweep keeps every run\'s BOLD samples, equal to spikesweep run\'s', { timeout: 300_000 }, async () => {
  const file = await writeSweepFile(dir, 'bold-sweep', {
    name: 'bold-sweep', network: join(root, 'tests/fixtures/bold.yaml'), duration: 5000, output: join(dir, 'out'), checkpointEvery: 2000,
    vary: { grid: [{ name: 'base', paths: ['populations.stim.values.base'], values: [1.0, 2.0] }] },
    seeds: { policy: 'same', base: 1, count: 1 },
  });
  worker = startWorker(temporal.address, { concurrency: 2 });
  await worker.ready;
  const r = await spikesweep(['sweep', file, '--json'], cliEnv(temporal.address)).done;
  assert.equal(r.code, 0, r.stderr);
  const { output, status } = r.json as { output: string; status: string };
  assert.equal(status, 'completed');

  const results = await spikesweep(['results', output, '--sql', 'SELECT run, count(*) AS samples FROM bold GROUP BY run ORDER BY run', '--json'], cliEnv(temporal.address)).done;
  assert.equal(results.code, 0, results.stderr);
  assert.deepEqual(results.json, [{ run: 0, samples: 500 }, { run: 1, samples: 500 }]);

  const single = await runCli(['run', join(root, 'tests/fixtures/bold.yaml'), '--duration', '5000', '--seed', '1', '--out', join(dir, 'single')]);
  assert.equal(single.code, 0, single.stderr);
  const columns = 't_ms, BOLD, f_in, I_CBF';
  const swept = await query(`SELECT ${columns} FROM read_parquet('${join(output, 'bold', 'run=0', '*.parquet')}') ORDER BY t_ms`);
  const alone = await query(`SELECT ${columns} FROM read_parquet('${join(dir, 'single', 'bold.parquet')}') ORDER BY t_ms`);
  assert.equal(swept.length, 500);
  assert.deepEqual(swept, alone, 'run 0 (base 1, seed 1) has the samples of spikesweep run');
});
