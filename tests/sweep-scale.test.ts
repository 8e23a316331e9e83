// 2000 tiny runs (a 100-neuron CUBA, 10 ms each: a grid axis of 500 values × 4 seeds,
// maxConcurrent 8) on two worker processes with --concurrency 4: the sweep completes and every
// workflow history — the sweep (each run of it, across continue-as-new) and every RunBatchWorkflow
// child — stays under 10,000 events. About a minute on 2 cores with the worker's reused runner
// processes (~37 runs/s); SPIKESWEEP_SKIP_LONG_TESTS=1 skips it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BATCH_RUNS } from '../workflows/sweep.js';
import { cliEnv, readRuns, spikeCountsByRun, startWorker, writeSmallNetwork, writeSweepFile, type WorkerProcess } from './helpers/sweep.js';
import { spikesweep } from './helpers/cli.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

const LONG = process.env.SPIKESWEEP_SKIP_LONG_TESTS !== '1';
const RUNS = 2000;
const HISTORY_LIMIT = 10_000;

let temporal: TestTemporal;
let dir: string;
const workers: WorkerProcess[] = [];

before(async () => {
  if (!LONG) return;
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-sweep-scale-'));
  // A low continue-as-new suggestion makes the sweep continue as new between its batches, so the
  // carried counts and the batch ids across executions are exercised too.
  temporal = await startTestTemporal({ dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 50 } });
});

after(async () => {
  for (const w of workers) await w.kill();
  await temporal?.stop();
  if (dir && process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

describe('a sweep of 2000 tiny runs', () => {
  test('completes with every workflow history under 10k events', { skip: !LONG && 'SPIKESWEEP_SKIP_LONG_TESTS=1', timeout: 3_600_000 }, async (t) => {
    const network = await writeSmallNetwork(dir);
    const output = join(dir, 'out');
    const file = await writeSweepFile(dir, 'tiny', {
      name: 'tiny', network, duration: 10, output, maxConcurrent: 8, checkpointEvery: 1000,
      vary: { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values: Array.from({ length: 500 }, (_, k) => 1 + k / 500) }] },
      seeds: { policy: 'sequential', base: 0, count: 4 },
    });
    workers.push(startWorker(temporal.address, { concurrency: 4 }), startWorker(temporal.address, { concurrency: 4 }));
    await Promise.all(workers.map((w) => w.ready));

    const sweep = await spikesweep(['sweep', file, '--json'], cliEnv(temporal.address), 3_500_000).done;
    assert.equal(sweep.code, 0, `${sweep.stderr}\n${sweep.stdout}`);
    const report = sweep.json as { sweepId: string; status: string; runs: { total: number; completed: number; failed: number }; output: string };
    assert.equal(report.status, 'completed');
    assert.deepEqual(report.runs, { total: RUNS, completed: RUNS, failed: 0 });
    t.diagnostic(`${RUNS} tiny runs: wall ${(sweep.wallMs / 1000).toFixed(1)} s, ${(RUNS / (sweep.wallMs / 1000)).toFixed(2)} runs/s (2 workers × 4 slots, maxConcurrent 8)`);

    const runs = await readRuns(report.output);
    assert.equal(runs.length, RUNS);
    assert.ok(runs.every((r, i) => r.run === i && r.status === 'completed'), 'every run completed');
    const counts = await spikeCountsByRun(report.output);
    for (const r of runs) assert.equal(counts.get(r.run) ?? 0, Number(r.spikes_exc) + Number(r.spikes_inh), `run ${r.run}: no duplicated rows`);

    // Every workflow of the sweep: the sweep's executions (continue-as-new keeps the id) and its batches.
    const { client } = await temporal.client();
    const ids = [`sweep-${report.sweepId}`];
    for (let from = 0; from < RUNS; from += BATCH_RUNS) ids.push(`${report.sweepId}/runs-${from}-${Math.min(RUNS, from + BATCH_RUNS)}`);
    const sizes: string[] = [];
    for (const id of ids) {
      const executions = [];
      for await (const e of client.workflow.list({ query: `WorkflowId = '${id}'` })) executions.push(e);
      assert.ok(executions.length >= 1, `workflow ${id} exists`);
      if (id.startsWith('sweep-')) assert.ok(executions.length >= 2, `the sweep continued as new (${executions.length} executions)`);
      for (const e of executions) {
        const history = await client.workflow.getHandle(id, e.runId).fetchHistory();
        const n = history.events?.length ?? 0;
        sizes.push(`${id}@${e.runId.slice(0, 8)}: ${n}`);
        assert.ok(n > 0 && n < HISTORY_LIMIT, `${id} (${e.runId}) has ${n} events`);
      }
    }
    t.diagnostic(`history events: ${sizes.join(', ')}`);
  });
});
