// Seed policies in real sweeps (real dev server, a real worker process, the real compiler): the
// seeds in runs.parquet are seedsOf(plan) expanded over the parameter points — same, sequential,
// random (reproducible from the master seed: a differently named sweep with the same master draws
// the same seeds, another master others) and list.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSweepSpec } from '../sweeps/spec.js';
import { planRun, planShape, seedsOf } from '../workflows/plan/expand.js';
import { cliEnv, readRuns, startWorker, writeSmallNetwork, writeSweepFile, type WorkerProcess } from './helpers/sweep.js';
import { spikesweep } from './helpers/cli.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

let temporal: TestTemporal;
let dir: string;
let worker: WorkerProcess | null = null;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-sweep-seeds-'));
  temporal = await startTestTemporal();
});

after(async () => {
  await worker?.kill();
  await temporal?.stop();
  if (process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

describe('seed policies in a real sweep', () => {
  test('same, sequential, random (reproducible from the master) and list give seedsOf(plan) per point', { timeout: 300_000 }, async () => {
    const network = await writeSmallNetwork(dir);
    const output = join(dir, 'out');
    const sweep = (name: string, seeds: Record<string, unknown>) => writeSweepFile(dir, name, {
      name, network, duration: 300, output, maxConcurrent: 2, checkpointEvery: 100,
      vary: { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values: [1.2, 2.0] }] },
      seeds,
    });
    const files = {
      same: await sweep('seeds-same', { policy: 'same', base: 7, count: 3 }),
      sequential: await sweep('seeds-sequential', { policy: 'sequential', base: 10, count: 3 }),
      random: await sweep('seeds-random', { policy: 'random', master: 2024, count: 3 }),
      randomAgain: await sweep('seeds-random-again', { policy: 'random', master: 2024, count: 3 }),
      randomOther: await sweep('seeds-random-other', { policy: 'random', master: 2025, count: 3 }),
      list: await sweep('seeds-list', { policy: 'list', values: [5, 99, 4_000_000_000] }),
    };

    worker = startWorker(temporal.address, { concurrency: 2 });
    await worker.ready;
    const results = await Promise.all(Object.entries(files).map(async ([key, file]) => {
      const r = await spikesweep(['sweep', file, '--json'], cliEnv(temporal.address)).done;
      assert.equal(r.code, 0, `${key}: ${r.stderr}\n${r.stdout}`);
      const report = r.json as { status: string; output: string; runs: { total: number; completed: number } };
      assert.equal(report.status, 'completed', key);
      assert.equal(report.runs.completed, 6, key);
      const plan = loadSweepSpec(file).plan;
      const rows = await readRuns(report.output);
      return [key, { plan, rows, output: report.output }] as const;
    }));
    const by = Object.fromEntries(results);

    for (const [key, { plan, rows }] of Object.entries(by)) {
      const seeds = seedsOf(plan);
      const shape = planShape(plan);
      // Every point gets the policy's seeds, in seed-index order.
      const expected = Array.from({ length: shape.points }, () => seeds).flat();
      assert.deepEqual(rows.map((r) => r.seed), expected, `${key}: runs.parquet seeds`);
      rows.forEach((r, i) => {
        assert.equal(r.status, 'completed', `${key} run ${i}`);
        assert.equal(r.we, planRun(plan, i).values.we, `${key} run ${i} we`);
      });
    }
    assert.deepEqual(seedsOf(by.same.plan), [7, 7, 7]);
    assert.deepEqual(seedsOf(by.sequential.plan), [11, 12, 13]);
    assert.deepEqual(seedsOf(by.list.plan), [5, 99, 4_000_000_000]);
    const random = by.random.rows.map((r) => r.seed);
    assert.equal(new Set(random.slice(0, 3)).size, 3, 'random seeds are distinct');
    assert.notEqual(by.random.output, by.randomAgain.output, 'a differently named sweep is another sweep');
    assert.deepEqual(by.randomAgain.rows.map((r) => r.seed), random, 'same master → same seeds');
    assert.notDeepEqual(by.randomOther.rows.map((r) => r.seed).slice(0, 3), random.slice(0, 3), 'another master → other seeds');
    // Same seed and parameters → same spikes, whichever sweep ran them.
    assert.deepEqual(by.randomAgain.rows.map((r) => r.spikes_sha256), by.random.rows.map((r) => r.spikes_sha256));
    // `same`: the three copies of a point are identical runs.
    assert.equal(new Set(by.same.rows.slice(0, 3).map((r) => r.spikes_sha256)).size, 1);
    assert.equal(new Set(by.sequential.rows.slice(0, 3).map((r) => r.spikes_sha256)).size, 3);
  });
});
