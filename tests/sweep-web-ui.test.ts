// A sweep explains itself in the Temporal Web UI, read back from a real dev server and a real
// worker: the workflow's static summary (name, runs, varied parameters) and static details (the
// plan as a table, the output folder, the report command); its current details, a live table of
// progress per parameter point whose mean rates are those of runs.parquet; each run group
// activity's summary, naming its runs, their values and seeds; and the sweep's page in the dev
// server's Web UI, opened in Chromium, showing the summary. The texts' forms for larger plans —
// seed lists, points beyond the table, long summaries — are checked on the pure functions.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './helpers/browser.js';
import { SweepClient } from '../sweeps/index.js';
import { sweepDetails, sweepSummary } from '../sweeps/ui-metadata.js';
import type { SweepInput } from '../workflows/contract.js';
import { runRangeSummary } from '../workflows/plan/describe.js';
import type { SweepPlan } from '../workflows/plan/types.js';
import { addRun, DETAILED_POINTS, emptyPointProgress } from '../workflows/point-progress.js';
import { progressDetails } from '../workflows/progress-details.js';
import { cliEnv, readRuns, startWorker, waitFor, writeSmallNetwork, writeSweepFile, type RunRow, type WorkerProcess } from './helpers/sweep.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

const METADATA_QUERY = '__temporal_workflow_metadata';

let temporal: TestTemporal;
let worker: WorkerProcess;
let dir: string;
let client: Client;

/** The sweep of this file: 2 × 2 weights × 3 seeds, one run at a time, submitted in `before`. */
const sweep = { sweepId: '', workflowId: '', dataset: '', runs: [] as RunRow[], details: [] as string[] };

/** The workflow's current details, as the Web UI fetches them. */
async function currentDetails(workflowId: string): Promise<string> {
  const metadata = await client.workflow.getHandle(workflowId).query<{ currentDetails?: string }>(METADATA_QUERY);
  return metadata.currentDetails ?? '';
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-sweep-web-ui-'));
  temporal = await startTestTemporal({ ui: true });
  ({ client } = await temporal.client());
  worker = startWorker(temporal.address, { concurrency: 1 });
  const file = await writeSweepFile(dir, 'web-ui', {
    name: 'web-ui', network: await writeSmallNetwork(dir), duration: 300, output: join(dir, 'out'), maxConcurrent: 1,
    vary: { grid: [
      { name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values: [1.2, 2.0] },
      { name: 'wi', paths: ['projections.inh_exc.connector.weights', 'projections.inh_inh.connector.weights'], values: [-12, -6] },
    ] },
    seeds: { policy: 'sequential', base: 0, count: 3 },
  });
  await worker.ready;
  const sweeps = await SweepClient.connect({ env: cliEnv(temporal.address) });
  try {
    const handle = await sweeps.submit(file);
    Object.assign(sweep, { sweepId: handle.sweepId, workflowId: handle.workflowId });
    // The details as the UI would have polled them while the runs went on.
    let closed = false;
    const result = handle.result().finally(() => { closed = true; });
    while (!closed) {
      const details = await currentDetails(handle.workflowId).catch(() => '');
      if (details !== sweep.details[sweep.details.length - 1]) sweep.details.push(details);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { status, output } = await result;
    assert.equal(status, 'completed');
    sweep.dataset = output;
  } finally {
    await sweeps.close();
  }
  sweep.runs = await readRuns(sweep.dataset);
});

after(async () => {
  await worker?.kill();
  await temporal?.stop();
  if (process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

/** Mean of a runs.parquet column over the completed runs of one (we, wi) point, as the details print it. */
function meanRate(runs: RunRow[], column: string): string {
  const values = runs.filter((r) => r.status === 'completed').map((r) => Number(r[column]));
  return (values.reduce((a, b) => a + b, 0) / values.length).toFixed(2);
}

/** Waits until `text` is visible in the page or one of its frames (the UI renders markdown in frames of its own). */
async function visibleInSomeFrame(page: Page, text: string): Promise<void> {
  await waitFor(`"${text}" on the page`, async () => {
    for (const frame of page.frames()) if (await frame.getByText(text).first().isVisible().catch(() => false)) return true;
    return false;
  }, 60_000, 200);
}

describe('a sweep in the Temporal Web UI', () => {
  test('the workflow carries a static summary and markdown details: the plan as a table, the output folder, the report command', async () => {
    const described = await client.workflow.getHandle(sweep.workflowId).describe();
    assert.equal(await described.staticSummary(), 'web-ui · 12 runs · we, wi × 3 seeds');
    assert.equal(await described.staticDetails(), [
      `**Output** \`${sweep.dataset}\``,
      '',
      `**Report** \`spikesweep report ${sweep.sweepId}\``,
      '',
      '**Plan** · 4 parameter points × 3 seeds = 12 runs of 300 ms · backend openmp, 1 thread per run, 1 at a time',
      '',
      '| varied as | parameter | values | paths |',
      '|---|---|---|---|',
      '| grid | we | 1.2, 2 | projections.exc_exc.connector.weights, projections.exc_inh.connector.weights |',
      '| grid | wi | -12, -6 | projections.inh_exc.connector.weights, projections.inh_inh.connector.weights |',
      '| seeds, sequential | seed | 1, 2, 3 |  |',
    ].join('\n'));
  });

  test('the current details are a live table per parameter point: done, failed and the mean rates of runs.parquet', async () => {
    assert.equal(sweep.runs.length, 12);
    const rows = [[1.2, -12], [1.2, -6], [2, -12], [2, -6]].map(([we, wi], point) => {
      const runs = sweep.runs.filter((r) => r.we === we && r.wi === wi);
      return `| ${point} | ${we} | ${wi} | 3 / 3 | 0 | ${meanRate(runs, 'rate_exc_hz')} | ${meanRate(runs, 'rate_inh_hz')} |`;
    });
    assert.equal(await currentDetails(sweep.workflowId), [
      '**completed** · 12 of 12 runs done, 0 failed, 0 running',
      '',
      '| point | we | wi | done | failed | exc (Hz) | inh (Hz) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| **all 4 points** |  |  | **12 / 12** | **0** | **${meanRate(sweep.runs, 'rate_exc_hz')}** | **${meanRate(sweep.runs, 'rate_inh_hz')}** |`,
      ...rows,
    ].join('\n'));
    // While the runs went on, the table moved with them.
    const done = sweep.details.map((d) => /^\*\*running\*\* · (\d+) of 12 runs done/.exec(d)?.[1]).filter((n) => n !== undefined).map(Number);
    assert.ok(done.some((n) => n > 0 && n < 12), `the details seen while running said ${done.join(', ')} runs done`);
    assert.deepEqual(done, [...done].sort((a, b) => a - b), 'runs done only grow');
  });

  test('each run group activity\'s summary names its runs, their values and seeds', async () => {
    const history = await client.workflow.getHandle(`${sweep.sweepId}/runs-0-12`).fetchHistory();
    const summaries = (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runGroup')
      .map((e) => defaultPayloadConverter.fromPayload<string>(e.userMetadata!.summary!));
    assert.ok(summaries.length >= 2, summaries.join('\n'));
    const run = (i: number) => sweep.runs[i];
    const values = (i: number) => `we=${run(i).we} wi=${run(i).wi}`;
    // The first groups hold one run each.
    assert.equal(summaries[0], 'run 0 · we=1.2 wi=-12 · seed 1');
    const covered: number[] = [];
    for (const summary of summaries) {
      const single = /^run (\d+) · /.exec(summary);
      if (single) {
        const i = Number(single[1]);
        assert.equal(summary, `run ${i} · ${values(i)} · seed ${run(i).seed}`);
        covered.push(i);
        continue;
      }
      const range = /^runs (\d+)–(\d+) · (.+) · seeds (.+)$/.exec(summary);
      assert.ok(range, `a group's summary: ${summary}`);
      const [from, to] = [Number(range[1]), Number(range[2])];
      const points = new Set(sweep.runs.slice(from, to + 1).map((r) => `${r.we},${r.wi}`)).size;
      assert.equal(range[3], points === 1 ? values(from) : `${values(from)} → ${values(to)} (${points} points)`);
      const seeds = new Set(sweep.runs.slice(from, to + 1).map((r) => r.seed));
      const [first, last] = range[4].split('–').map(Number);
      const named = range[4].includes('–') ? Array.from({ length: last - first + 1 }, (_, k) => first + k) : range[4].split(', ').map(Number);
      assert.deepEqual(new Set(named), seeds, `the seeds of runs ${from}–${to}: ${summary}`);
      for (let i = from; i <= to; i++) covered.push(i);
    }
    assert.deepEqual(covered.sort((a, b) => a - b), [...Array(12).keys()], 'every run is in one group\'s summary');
  });

  test('the sweep\'s page in the dev server\'s Web UI shows its summary', { timeout: 120_000 }, async () => {
    assert.ok(temporal.uiUrl, 'the test server runs its Web UI');
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run scripts/setup.sh --test (it installs Debian's chromium)`);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows/${encodeURIComponent(sweep.workflowId)}`);
      await page.getByText('web-ui · 12 runs · we, wi × 3 seeds').first().waitFor({ timeout: 60_000 });
      // Its User Metadata tab: the summary, the details with the report command, the live table.
      await page.getByText('User Metadata').first().click();
      for (const text of [`spikesweep report ${sweep.sweepId}`, '12 of 12 runs done', 'all 4 points']) await visibleInSomeFrame(page, text);
    } finally {
      await browser.close();
    }
  });
});

describe('the texts for larger plans', () => {
  const axis = (name: string, values: number[]) => ({ name, paths: [`constants.${name}`], values });
  const plan = (seeds: SweepPlan['seeds'], grid = [axis('we', [1.2, 1.62, 2]), axis('wi', [-12, -9, -6])]): SweepPlan => ({ grid, zip: [], sample: null, seeds });

  test('a group\'s summary lists its seeds compactly and names the points it spans', () => {
    const sequential = plan({ policy: 'sequential', base: 0, count: 4 });
    assert.equal(runRangeSummary(sequential, 12, 13), 'run 12 · we=1.62 wi=-12 · seed 1');
    assert.equal(runRangeSummary(sequential, 12, 16), 'runs 12–15 · we=1.62 wi=-12 · seeds 1–4');
    assert.equal(runRangeSummary(sequential, 14, 18), 'runs 14–17 · we=1.62 wi=-12 → we=1.62 wi=-9 (2 points) · seeds 1–4');
    assert.equal(runRangeSummary(sequential, 6, 36), 'runs 6–35 · we=1.2 wi=-9 → we=2 wi=-6 (8 points) · seeds 1–4');
    assert.equal(runRangeSummary(plan({ policy: 'list', values: [7, 9, 11] }), 0, 3), 'runs 0–2 · we=1.2 wi=-12 · seeds 7, 9, 11');
    assert.equal(runRangeSummary(plan({ policy: 'list', values: [3, 8, 13, 21, 34, 41] }), 0, 6), 'runs 0–5 · we=1.2 wi=-12 · seeds 3, 8, …, 41 (6)');
    assert.equal(runRangeSummary(plan({ policy: 'same', base: 5, count: 3 }, []), 0, 3), 'runs 0–2 · seed 5');
    assert.equal(runRangeSummary(plan({ policy: 'list', values: [1] }, [axis('g', [0.123456])]), 0, 1), 'run 0 · g=0.1235 · seed 1');
    const long = runRangeSummary(plan({ policy: 'list', values: [1] }, Array.from({ length: 30 }, (_, k) => axis(`parameter${k}`, [k]))), 0, 1);
    assert.equal(long.length, 200);
    assert.ok(long.startsWith('run 0 · parameter0=0 parameter1=1') && long.endsWith('…'), long);
  });

  test('the static texts of a billion runs read only the seeds they show', () => {
    const input = { sweepId: 's-0', name: 's', plan: plan({ policy: 'sequential', base: 0, count: 1e9 }, []), durationMs: 10, backend: 'openmp', threads: 1, maxConcurrent: 2, output: '/data' } as SweepInput;
    assert.equal(sweepSummary(input), 's · 1000000000 runs · 1000000000 seeds');
    assert.match(sweepDetails(input), /\| seeds, sequential \| seed \| 1, 2, 3, 4, 5, 6, …, 1000000000 \(1000000000 values\) \|  \|$/);
  });

  test('the live table lists the first points one by one and the rest in a line, whatever the sweep\'s size', () => {
    const big = plan({ policy: 'sequential', base: 0, count: 2 }, [axis('we', Array.from({ length: 100 }, (_, k) => k)), axis('wi', Array.from({ length: 100 }, (_, k) => -k))]);
    const points = emptyPointProgress();
    addRun(points, 0, 'completed', { exc: 4, inh: 10 });
    addRun(points, 0, 'completed', { exc: 6, inh: null });
    addRun(points, 1, 'failed', {});
    addRun(points, 9_000, 'completed', { exc: 20, inh: 30 });
    const details = progressDetails(big, { sweepId: 's', status: 'running', total: 20_000, completed: 3, failed: 1, running: 2 }, points).split('\n');
    assert.equal(details[0], '**running** · 3 of 20,000 runs done, 1 failed, 2 running');
    assert.equal(details[4], '| **all 10,000 points** |  |  | **3 / 20,000** | **1** | **10.00** | **20.00** |');
    assert.equal(details[5], '| 0 | 0 | 0 | 2 / 2 | 0 | 5.00 | 10.00 |');
    assert.equal(details[6], '| 1 | 0 | -1 | 0 / 2 | 1 | – | – |');
    assert.equal(details.length, 5 + DETAILED_POINTS + 1);
    assert.equal(details[details.length - 1], '| … 9,975 more points |  |  |  |  |  |  |');
    assert.deepEqual(Object.keys(points.points), ['0', '1'], 'points beyond the table are counted in the totals only');
  });
});
