// Batches overlap across their boundary. Sweeps of 600 tiny runs (two batches: 0–500, 500–600)
// at maxConcurrent 6 on two workers of 4 slots each (8 slots: more than the sweep may use), run
// 499 crashing natively in every attempt so that the first batch's last group lasts seconds
// (3 attempts, 1 s and 2 s apart). Read from the real histories: the second batch's first group
// is scheduled before the first batch's last one completed; activities in flight over both
// batches never exceed maxConcurrent; every run is in runs.parquet exactly once. While both
// batches are alive, the progress query's `running` counts both batches' runs, and a cancel
// stops both batches (no activity left pending) and the sweep ends `cancelled` (a sweep of 1000
// runs, so that the second batch is still running when the cancel lands).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { activitySpans, maxInFlight } from '../bench/slot-occupancy.js';
import { sweepIdOf, workflowIdOf } from '../sweeps/ids.js';
import { loadSweepSpec } from '../sweeps/spec.js';
import { progressQuery, type SweepProgress } from '../workflows/contract.js';
import { cliEnv, pendingRuns, readRuns, spikeCountsByRun, startWorker, waitFor, writeSmallNetwork, writeSweepFile, type WorkerProcess } from './helpers/sweep.js';
import { spikesweep } from './helpers/cli.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

const RUNS = 600;
const MAX_CONCURRENT = 6;
const SLOW_RUN = 499;
const CANCEL_RUNS = 1000;
const FIRST = '/runs-0-500';
const SECOND = '/runs-500-600';
const SECOND_OF_CANCEL = '/runs-500-1000';

let temporal: TestTemporal;
let client: Client;
let dir: string;
let network: string;
const workers: WorkerProcess[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-sweep-overlap-'));
  temporal = await startTestTemporal();
  ({ client } = await temporal.client());
  network = await writeSmallNetwork(dir);
  workers.push(...[0, 1].map(() => startWorker(temporal.address, { concurrency: 4, env: { SPIKESWEEP_FAULT_RUN: `${SLOW_RUN}:50` } })));
  await Promise.all(workers.map((w) => w.ready));
});

after(async () => {
  for (const w of workers) await w.kill();
  await temporal?.stop();
  if (dir && process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

async function sweepFile(name: string, runs = RUNS): Promise<{ file: string; sweepId: string }> {
  const file = await writeSweepFile(dir, name, {
    name, network, duration: 10, output: join(dir, 'out'), maxConcurrent: MAX_CONCURRENT, checkpointEvery: 1000,
    vary: { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values: Array.from({ length: runs / 4 }, (_, k) => 1 + k / 500) }] },
    seeds: { policy: 'sequential', base: 0, count: 4 },
  });
  const spec = loadSweepSpec(file);
  return { file, sweepId: sweepIdOf(spec.name, spec.specHash) };
}

const statusOf = (workflowId: string) => client.workflow.getHandle(workflowId).describe().then((d) => d.status.name, () => null);
/** Why a closed workflow failed, cause by cause (empty when it did not). */
const failureOf = (workflowId: string) => client.workflow.getHandle(workflowId).result().then(() => '', (err: unknown) => {
  const causes: string[] = [];
  for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) causes.push(e.message ?? String(e));
  return causes.join(' ← ');
});

describe('batches overlap across their boundary', () => {
  test('the next batch runs while the previous one drains, never above maxConcurrent, every run once', { timeout: 600_000 }, async () => {
    const { file, sweepId } = await sweepFile('overlap');
    const following = spikesweep(['sweep', file, '--json'], cliEnv(temporal.address), 540_000);
    // Sample the live progress while both batches are alive.
    const samples: SweepProgress[] = [];
    let bothAlive = 0;
    const sampling = (async () => {
      while (following.child.exitCode === null) {
        const [first, second] = await Promise.all([statusOf(sweepId + FIRST), statusOf(sweepId + SECOND)]);
        if (first === 'RUNNING' && second === 'RUNNING') {
          bothAlive++;
          const progress = await client.workflow.getHandle(workflowIdOf(sweepId)).query(progressQuery).catch(() => null);
          if (progress) samples.push(progress);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const done = await following.done;
    await sampling;
    assert.equal(done.code, 0, `${done.stderr}\n${done.stdout}`);
    const report = done.json as { status: string; runs: { total: number; completed: number; failed: number }; output: string };
    assert.equal(report.status, 'completed');
    assert.deepEqual(report.runs, { total: RUNS, completed: RUNS - 1, failed: 1 });

    assert.ok(bothAlive > 0, 'both batches were seen running at once');
    // `running` counts the runs of the groups in flight, summed over both batches' reports.
    assert.ok(samples.some((p) => p.running > 0), 'runs in flight while both batches were alive');
    for (const p of samples) assert.ok(p.running >= 0 && p.running <= RUNS - p.completed - p.failed, `running ${p.running} of ${RUNS - p.completed - p.failed} runs left`);

    const spans = await activitySpans(client, sweepId, RUNS);
    const lastOfFirst = Math.max(...spans.filter((s) => s.batch.endsWith(FIRST)).map((s) => s.closedMs));
    const firstOfSecond = Math.min(...spans.filter((s) => s.batch.endsWith(SECOND)).map((s) => s.scheduledMs));
    assert.ok(firstOfSecond < lastOfFirst, `the second batch's first group was scheduled ${(firstOfSecond - lastOfFirst).toFixed(0)} ms after the first batch's last group completed`);
    assert.ok(maxInFlight(spans) <= MAX_CONCURRENT, `at most ${MAX_CONCURRENT} activities in flight over both batches (saw ${maxInFlight(spans)})`);

    const runs = await readRuns(report.output);
    assert.deepEqual(runs.map((r) => r.run), Array.from({ length: RUNS }, (_, i) => i), 'every run once, in order');
    assert.deepEqual(runs.filter((r) => r.status !== 'completed').map((r) => [r.run, r.status, r.attempts]), [[SLOW_RUN, 'failed', 3]]);
    const counts = await spikeCountsByRun(report.output);
    for (const r of runs) assert.equal(counts.get(r.run) ?? 0, Number(r.spikes_exc) + Number(r.spikes_inh), `run ${r.run}: no duplicated spike rows`);

    // The published counts (what `status` reads with no worker) are the final ones.
    const attributes = (await client.workflow.getHandle(workflowIdOf(sweepId)).describe()).searchAttributes;
    assert.deepEqual([attributes.SpikesweepStatus, attributes.SpikesweepRunsDone, attributes.SpikesweepRunsFailed], [['completed'], [RUNS - 1], [1]]);
  });

  test('a cancel with both batches alive stops both; the sweep ends cancelled with every run once', { timeout: 600_000 }, async () => {
    const { file, sweepId } = await sweepFile('overlap-cancel', CANCEL_RUNS);
    const following = spikesweep(['sweep', file, '--json'], cliEnv(temporal.address), 540_000);
    // Both alive, the second batch's groups in flight.
    await waitFor('both batches running', async () => (await statusOf(sweepId + FIRST)) === 'RUNNING' && (await statusOf(sweepId + SECOND_OF_CANCEL)) === 'RUNNING'
      && (await pendingRuns(client, sweepId + SECOND_OF_CANCEL)).length > 0, 300_000, 100);
    const cancel = await spikesweep(['cancel', sweepId, '--json'], cliEnv(temporal.address)).done;
    assert.equal(cancel.code, 0, cancel.stderr);
    const done = await following.done;
    const report = done.json as { status: string; runs: { total: number; completed: number; failed: number }; output: string };
    assert.equal(report.status, 'cancelled', `${done.stderr}\n${done.stdout}`);

    for (const batch of [FIRST, SECOND_OF_CANCEL]) {
      assert.equal(await statusOf(sweepId + batch), 'COMPLETED', `${batch} closed ${await failureOf(sweepId + batch)}`);
      assert.deepEqual(await pendingRuns(client, sweepId + batch), [], `${batch}: no activity left pending`);
    }
    const runs = await readRuns(report.output);
    assert.deepEqual(runs.map((r) => r.run), Array.from({ length: CANCEL_RUNS }, (_, i) => i), 'every run once, in order');
    assert.ok(runs.some((r) => r.status === 'cancelled'), 'runs not run are marked cancelled');
    assert.equal(runs.filter((r) => r.status === 'completed').length, report.runs.completed);
    const attributes = (await client.workflow.getHandle(workflowIdOf(sweepId)).describe()).searchAttributes;
    assert.deepEqual(attributes.SpikesweepStatus, ['cancelled']);
  });
});
