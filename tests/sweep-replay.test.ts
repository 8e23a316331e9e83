// Determinism guard: histories recorded from real sweeps (tests/fixtures/histories/*.json — a
// completed sweep with a run that failed natively in every attempt, and a sweep cancelled while
// runs were in flight; each the SweepWorkflow and its RunBatchWorkflow child) replay against
// today's workflows (Worker.runReplayHistories) without nondeterminism errors. A change to the
// workflows that would break running sweeps fails here. The `replay-*` histories were recorded
// before run groups (one activity per run; the batch workflow's `run-groups` patch keeps them
// replaying), the `replay-groups-*` ones with run groups and one batch at a time, the
// `replay-overlap-*` ones with overlapping batches (the sweep's `overlapping-batches` patch):
// `replay-overlap-completed` is 520 runs in two batches (the second started while the first drained
// and got its slots handed over), run 2 failing natively; the `replay-share-*` ones are the same
// two sweeps recorded with groups capped by the sweep's remaining runs (`sweep-wide-share` patch).
//
// Record histories of today's workflows (after an intended, versioned change: name them after it
// in RECORDED) with
//   SPIKESWEEP_RECORD_HISTORIES=1 node scripts/test.js sweep-replay
// which runs the two sweeps on a test dev server and writes their fixtures (older ones stay).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { loadSweepSpec } from '../sweeps/spec.js';
import { sweepIdOf, workflowIdOf } from '../sweeps/ids.js';
import { runPaths } from '../results/layout.js';
import { WORKFLOW_BUNDLE_IGNORE_MODULES } from '../workflows/plan/expand.js';
import { cliEnv, startWorker, waitFor, writeSmallNetwork, writeSweepFile, CUBA } from './helpers/sweep.js';
import { spikesweep } from './helpers/cli.js';
import { startTestTemporal } from './helpers/temporal.js';

const HISTORIES = fileURLToPath(new URL('./fixtures/histories/', import.meta.url));
const WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const RECORD = process.env.SPIKESWEEP_RECORD_HISTORIES === '1';
/** The name prefix of the sweeps record() runs: their fixtures' names. */
const RECORDED = 'replay-share';

/** File name ↔ workflow id ('/' is not allowed in a file name). */
const fileOf = (workflowId: string) => `${workflowId.replaceAll('/', '__')}.json`;
const workflowIdOfFile = (file: string) => file.replace(/\.json$/, '').replaceAll('__', '/');

async function record(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'spikesweep-sweep-replay-'));
  const temporal = await startTestTemporal();
  const worker = startWorker(temporal.address, { concurrency: 2, env: { SPIKESWEEP_FAULT_RUN: '2:50' } });
  try {
    await worker.ready;
    const output = join(dir, 'out');
    const network = await writeSmallNetwork(dir);
    const weights = (values: number[]) => ({ name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values });
    // A completed sweep of two overlapping batches: 520 runs, run 2 crashes natively in every attempt (failed after 3).
    const completedFile = await writeSweepFile(dir, `${RECORDED}-completed`, {
      name: `${RECORDED}-completed`, network, duration: 10, output, maxConcurrent: 2, vary: { grid: [weights(Array.from({ length: 130 }, (_, k) => 1 + k / 100))] },
      seeds: { policy: 'sequential', base: 0, count: 4 },
    });
    const done = await spikesweep(['sweep', completedFile, '--json'], cliEnv(temporal.address)).done;
    assert.equal((done.json as { status?: string } | null)?.status, 'completed', done.stderr);
    // A sweep cancelled while its runs are in flight.
    const cancelFile = await writeSweepFile(dir, `${RECORDED}-cancelled`, {
      name: `${RECORDED}-cancelled`, network: CUBA, duration: 100_000, output, maxConcurrent: 2, checkpointEvery: 5000, vary: { grid: [weights([1.2, 1.62, 2.0])] }, seeds: { policy: 'list', values: [1] },
    });
    const cancelSpec = loadSweepSpec(cancelFile);
    const cancelId = sweepIdOf(cancelSpec.name, cancelSpec.specHash);
    const following = spikesweep(['sweep', cancelFile, '--json'], cliEnv(temporal.address));
    await waitFor('runs in flight', () => existsSync(join(runPaths(output, cancelId, 0).work, 'out', 'progress.json')), 120_000);
    const cancel = await spikesweep(['cancel', cancelId, '--json'], cliEnv(temporal.address)).done;
    assert.equal((cancel.json as { status?: string } | null)?.status, 'cancelled', cancel.stderr);
    await following.done;

    const { client } = await temporal.client();
    await mkdir(HISTORIES, { recursive: true });
    for (const file of [completedFile, cancelFile]) {
      const spec = loadSweepSpec(file);
      const sweepId = sweepIdOf(spec.name, spec.specHash);
      for (const id of [workflowIdOf(sweepId), `${sweepId}/runs-0-500`, `${sweepId}/runs-500-520`, `${sweepId}/runs-0-3`]) {
        const handle = client.workflow.getHandle(id);
        const exists = await handle.describe().then(() => true, () => false);
        if (!exists) continue;
        await writeFile(join(HISTORIES, fileOf(id)), `${historyToJSON(await handle.fetchHistory())}\n`);
      }
    }
  } finally {
    await worker.kill();
    await temporal.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('replaying recorded sweep histories', () => {
  test('every recorded history replays against workflows/index.ts without nondeterminism', { timeout: 600_000 }, async () => {
    // The replay worker's SDK logs at WARN (its default runtime logs every state change at INFO).
    Runtime.install({ logger: new DefaultLogger('WARN') });
    if (RECORD) await record();
    const files = existsSync(HISTORIES) ? readdirSync(HISTORIES).filter((f) => f.endsWith('.json')).sort() : [];
    const ids = files.map(workflowIdOfFile);
    assert.ok(ids.filter((id) => id.startsWith('sweep-')).length >= 2, `recorded sweep histories: ${ids.join(', ')}`);
    assert.ok(ids.filter((id) => id.includes('/runs-')).length >= 2, `recorded batch histories: ${ids.join(', ')}`);

    const histories = files.map((file) => ({ workflowId: workflowIdOfFile(file), history: JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')) }));
    // Both generations of the batch workflow are covered: one activity per run, and run groups.
    const activityTypes = new Set(histories.flatMap(({ history }) =>
      (history.events as { activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[]).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)));
    assert.ok(activityTypes.has('runSimulation') && activityTypes.has('runGroup'), `activities in the recorded histories: ${[...activityTypes].filter(Boolean).join(', ')}`);
    // And both generations of the sweep: one batch at a time, and overlapping batches.
    const signals = new Set(histories.flatMap(({ history }) =>
      (history.events as { workflowExecutionSignaledEventAttributes?: { signalName?: string } }[]).map((e) => e.workflowExecutionSignaledEventAttributes?.signalName)));
    assert.ok(signals.has('batchDraining') && signals.has('slotsHanded'), `signals in the recorded histories: ${[...signals].filter(Boolean).join(', ')}`);
    for (const { workflowId, history } of histories) {
      const types = new Set((history.events as { eventType: string }[]).map((e) => e.eventType));
      assert.ok(types.has('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED'), `${workflowId} is a finished history`);
    }
    const results = [];
    for await (const result of Worker.runReplayHistories({
      workflowsPath: WORKFLOWS,
      bundlerOptions: { ignoreModules: [...WORKFLOW_BUNDLE_IGNORE_MODULES] },
      replayName: 'spikesweep-replay',
    }, histories)) {
      results.push(result);
    }
    assert.equal(results.length, histories.length);
    for (const r of results) assert.equal(r.error, undefined, `${r.workflowId}: ${r.error?.message ?? ''}`);
  });
});
