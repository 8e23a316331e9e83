// `spikesweep status` tells the truth, on a real dev server: with no worker running (the counts the
// workflow published as search attributes), while finalizeSweep writes the dataset (`finalizing`),
// and after it (`completed`, with runs.parquet and the manifest on disk); an unknown sweep id exits
// 2 with one sentence; `sweep --out` moves the dataset without changing the sweep id; the Web UI
// link of a configured server comes from SPIKESWEEP_UI_URL or the connection profile's ui_url;
// what the server refuses (an input too large for one payload, a namespace that does not exist, a
// server nobody listens at) is a sentence naming the cause, and so is an output folder the
// submitter cannot write. And, with no server, how sweeps/status.ts makes one status of
// Temporal's, the published and the live one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { closeRunners, createActivities } from '../activities/index.js';
import { SweepClient } from '../sweeps/index.js';
import { loadSweepSpec } from '../sweeps/spec.js';
import { sweepIdOf, workflowIdOf } from '../sweeps/ids.js';
import { sweepProgressOf, type StatusSources } from '../sweeps/status.js';
import { createWorker } from '../worker/index.js';
import { progressQuery, searchAttributes, type SweepProgress } from '../workflows/contract.js';
import { spikesweep, type CliResult } from './helpers/cli.js';
import { cliEnv, startWorker, waitFor, writeSmallNetwork, writeSweepFile } from './helpers/sweep.js';
import { freePort, startTestTemporal, type TestTemporal } from './helpers/temporal.js';

let temporal: TestTemporal;
let dir: string;
let network: string;

before(async () => {
  // The in-process worker of the finalize test logs only what goes wrong.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-sweep-status-'));
  temporal = await startTestTemporal();
  network = await writeSmallNetwork(dir);
});

after(async () => {
  closeRunners();
  await Runtime.instance().shutdown().catch(() => undefined);
  await temporal?.stop();
  if (process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => spikesweep(args, cliEnv(temporal.address, env)).done;

interface StatusReport {
  sweepId: string;
  status: string;
  workflowStatus: string;
  runs: { total: number; completed: number; failed: number; running: number };
  output: string | null;
  datasetWritten: boolean;
  uiUrl: string | null;
}

function reportOf<T = StatusReport>(r: CliResult, what: string): T {
  assert.ok(r.json, `${what} printed no JSON (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r.json as T;
}

/** A failure for people: exit `code`, one `spikesweep: …` line on stderr, no stack trace. */
function assertSentence(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], /^spikesweep: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
}

async function sweepFile(name: string, body: Record<string, unknown>) {
  const file = await writeSweepFile(dir, name, { name, network, duration: 20, maxConcurrent: 2, output: join(dir, 'spec-out'), ...body });
  const spec = loadSweepSpec(file);
  return { file, sweepId: sweepIdOf(spec.name, spec.specHash) };
}

const seeds = (count: number) => ({ policy: 'sequential', base: 0, count });

describe('sweepProgressOf: one status from every source', () => {
  const sources = (over: Partial<StatusSources>): StatusSources => ({
    sweepId: 's', workflowStatus: 'RUNNING', total: 10, published: { status: 'running', completed: 4, failed: 1 }, live: null, datasetWritten: false, ...over,
  });
  const live = (status: SweepProgress['status']): SweepProgress => ({ sweepId: 's', status, total: 10, completed: 9, failed: 1, running: 0 });

  test('no worker: the published status and counts', () => {
    assert.deepEqual(sweepProgressOf(sources({})), { sweepId: 's', status: 'running', total: 10, completed: 4, failed: 1, running: 0 });
    assert.equal(sweepProgressOf(sources({ published: { status: 'finalizing', completed: 9, failed: 1 } })).status, 'finalizing');
    assert.deepEqual(sweepProgressOf(sources({ published: { status: null, completed: null, failed: null } })), { sweepId: 's', status: 'running', total: 10, completed: 0, failed: 0, running: 0 });
    assert.equal(sweepProgressOf(sources({ cancelRecorded: true })).status, 'cancelling', 'a cancel recorded while no worker ran');
  });

  test('done while the workflow runs on and the dataset is not written: finalizing (sweeps from before `finalizing` said completed early)', () => {
    assert.equal(sweepProgressOf(sources({ live: live('completed') })).status, 'finalizing');
    assert.equal(sweepProgressOf(sources({ live: live('cancelled') })).status, 'finalizing');
    assert.equal(sweepProgressOf(sources({ live: live('completed'), datasetWritten: true })).status, 'completed');
  });

  test('closed: the result, else how Temporal says it ended', () => {
    assert.equal(sweepProgressOf(sources({ workflowStatus: 'COMPLETED', live: live('completed'), datasetWritten: true })).status, 'completed');
    assert.deepEqual(sweepProgressOf(sources({ workflowStatus: 'TERMINATED' })), { sweepId: 's', status: 'failed', total: 10, completed: 4, failed: 1, running: 0 });
    assert.equal(sweepProgressOf(sources({ workflowStatus: 'FAILED', published: { status: 'failed', completed: 4, failed: 1 } })).status, 'failed');
    assert.equal(sweepProgressOf(sources({ workflowStatus: 'CANCELLED' })).status, 'cancelled');
  });
});

describe('spikesweep status', () => {
  test('no worker: running, with the counts the workflow published as search attributes', { timeout: 300_000 }, async () => {
    // 40 runs: the batch reports every 2 finished runs (a 20th of the batch), so reports land long before the sweep ends.
    const s = await sweepFile('status-no-worker', { seeds: seeds(40), maxConcurrent: 1 });
    const submitted = reportOf(await cli(['sweep', s.file, '--detach', '--json']), 'sweep --detach');
    assert.equal(submitted.sweepId, s.sweepId);

    let status = await cli(['status', s.sweepId, '--json']);
    let report = reportOf(status, 'status before any worker');
    assert.deepEqual([report.status, report.workflowStatus, report.runs.total, report.runs.completed, report.runs.failed], ['running', 'RUNNING', 40, 0, 0]);
    assert.ok(status.wallMs < 20_000, `status answers without a worker in ${status.wallMs} ms`);
    // Its results say why there is no table yet, not DuckDB's catalog error.
    assertSentence(await cli(['results', s.sweepId]), 1, /has no runs table yet: runs\.parquet is written when the sweep ends/);

    // A worker runs the sweep until the first report is published, then dies.
    const { client } = await temporal.client();
    const handle = client.workflow.getHandle(workflowIdOf(s.sweepId));
    const worker = startWorker(temporal.address, { concurrency: 1 });
    await worker.ready;
    const done = await waitFor('the first report in the search attributes', async () => {
      const d = await handle.describe();
      return d.typedSearchAttributes.get(searchAttributes.runsDone);
    }, 240_000, 100);
    await worker.kill();
    const published = (await handle.describe()).typedSearchAttributes;
    assert.ok(done >= 2, `${done} runs done at the first report`);

    status = await cli(['status', s.sweepId, '--json']);
    report = reportOf(status, 'status after the worker died');
    assert.equal(report.workflowStatus, 'RUNNING');
    assert.equal(report.status, 'running');
    assert.equal(report.runs.completed, published.get(searchAttributes.runsDone));
    assert.equal(report.runs.failed, published.get(searchAttributes.runsFailed));
    assert.ok(report.runs.completed >= 2 && report.runs.completed < 40, `${report.runs.completed} of 40 done`);
    assert.equal(report.datasetWritten, false);
    assert.ok(status.wallMs < 20_000, `status answers without a worker in ${status.wallMs} ms`);

    // A cancel with no worker is recorded, not waited on; the next worker ends the sweep cancelled.
    const cancel = reportOf(await cli(['cancel', s.sweepId, '--json']), 'cancel with no worker');
    assert.equal(cancel.status, 'cancelling');
    assert.equal(reportOf(await cli(['status', s.sweepId, '--json']), 'status with the cancel recorded').status, 'cancelling');
    const next = startWorker(temporal.address, { concurrency: 1 });
    try {
      const cancelled = await handle.result();
      assert.equal(cancelled.status, 'cancelled');
      // Submitted again, a cancelled sweep continues where it was written: its committed runs kept, the rest run.
      const resubmitted = reportOf<{ status: string }>(await cli(['sweep', s.file, '--detach', '--json']), 'the cancelled sweep submitted again');
      assert.equal(resubmitted.status, 'running');
      const continued = await client.workflow.getHandle(workflowIdOf(s.sweepId)).result();
      assert.deepEqual([continued.status, continued.completed, continued.failed], ['completed', 40, 0]);
    } finally {
      await next.kill();
    }
  });

  test('finalizing while finalizeSweep writes the dataset, completed after; --out moves the dataset, the sweep id stays', { timeout: 300_000 }, async () => {
    const s = await sweepFile('status-finalize', { seeds: seeds(3) });
    const out = join(dir, 'flag-out');
    const submitted = reportOf<{ sweepId: string; output: string }>(await cli(['sweep', s.file, '--detach', '--json', '--out', out]), 'sweep --out');
    assert.equal(submitted.sweepId, s.sweepId, '--out is not part of the sweep id');
    const dataset = join(out, s.sweepId);
    assert.equal(submitted.output, dataset);

    // A worker whose finalizeSweep waits for the test before it writes (the real activity after that).
    let finalizeStarted!: () => void;
    const started = new Promise<void>((resolve) => { finalizeStarted = resolve; });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const connection = await NativeConnection.connect({ address: temporal.address });
    const worker = await createWorker({
      connection, namespace: 'default', queue: 'cpu', concurrency: 2, threads: 1,
      activities: (settings) => {
        const activities = createActivities(settings);
        return {
          ...activities,
          async finalizeSweep(input: Parameters<typeof activities.finalizeSweep>[0]) {
            finalizeStarted();
            await released;
            return activities.finalizeSweep(input);
          },
        };
      },
    });
    const { client } = await temporal.client();
    const handle = client.workflow.getHandle(workflowIdOf(s.sweepId));
    await worker.runUntil(async () => {
      await started;
      const finalizing = reportOf(await cli(['status', s.sweepId, '--json']), 'status during finalize');
      assert.deepEqual([finalizing.status, finalizing.workflowStatus, finalizing.runs.completed, finalizing.runs.total], ['finalizing', 'RUNNING', 3, 3]);
      assert.equal(finalizing.datasetWritten, false);
      assert.equal(finalizing.output, dataset);
      assert.equal((await handle.query(progressQuery)).status, 'finalizing', 'the query says finalizing');
      assert.equal((await handle.describe()).typedSearchAttributes.get(searchAttributes.status), 'finalizing', 'the search attribute says finalizing');
      release();
      await handle.result();
    });
    await connection.close();

    const completed = reportOf(await cli(['status', s.sweepId, '--json']), 'status after completion');
    assert.deepEqual([completed.status, completed.workflowStatus, completed.runs.completed, completed.runs.failed], ['completed', 'COMPLETED', 3, 0]);
    assert.equal(completed.datasetWritten, true);
    assert.ok(existsSync(join(dataset, 'runs.parquet')) && existsSync(join(dataset, 'manifest.json')));
    assert.ok(!existsSync(join(dir, 'spec-out', s.sweepId)), "nothing in the spec's output");
    assert.equal((await handle.describe()).typedSearchAttributes.get(searchAttributes.status), 'completed');
    assert.equal(JSON.parse(readFileSync(join(dataset, 'manifest.json'), 'utf8')).sweepId, s.sweepId);

    // The same file again, without --out: the same sweep, and its dataset is where it was written.
    const again = reportOf<{ sweepId: string; output: string; status: string }>(await cli(['sweep', s.file, '--json']), 'sweep again');
    assert.deepEqual([again.sweepId, again.output, again.status], [s.sweepId, dataset, 'completed']);

    // The API: the same override, the same id.
    const api = await SweepClient.connect({ env: { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default' } });
    try {
      const viaApi = await api.submit(s.file, { output: join(dir, 'elsewhere') });
      assert.deepEqual([viaApi.sweepId, viaApi.attached, await viaApi.output()], [s.sweepId, true, dataset]);
      assert.ok(!existsSync(join(dir, 'elsewhere')), 'nothing written where the attached submission asked');
    } finally {
      await api.close();
    }

    // Submitted again with --detach: where it stands, not "running".
    const detached = reportOf<{ status: string; runs: { completed: number } }>(await cli(['sweep', s.file, '--detach', '--json']), 'sweep --detach again');
    assert.deepEqual([detached.status, detached.runs.completed], ['completed', 3]);

    // results reads: a statement that writes, two statements and SQL DuckDB cannot parse are refused (exit 2, one sentence).
    const written = join(dir, 'written.csv');
    assertSentence(await cli(['results', s.sweepId, '--sql', `COPY (SELECT 1) TO '${written}'`]), 2, /results only reads: give a SELECT \(or EXPLAIN\) query, got a COPY statement$/);
    assert.ok(!existsSync(written));
    assertSentence(await cli(['results', s.sweepId, '--sql', 'SELECT 1; SELECT 2']), 2, /give one SQL statement, got 2$/);
    assertSentence(await cli(['results', s.sweepId, '--sql', 'SELEC x']), 2, /the query failed: Parser Error: syntax error at or near "SELEC"$/);
    const long = await cli(['results', s.sweepId, '--sql', 'SELECT * FROM range(200000)']);
    assert.equal(long.code, 0, long.stderr);
    assert.match(long.stdout, /… 190,000 more rows \(--json prints them all, or narrow the query with LIMIT or WHERE\)\n$/);
  });

  test('an unknown sweep id: exit 2 and one sentence, for status, cancel and results; a missing folder for results and report', { timeout: 120_000 }, async () => {
    for (const command of ['status', 'cancel', 'results']) {
      assertSentence(await cli([command, 'nope']), 2, new RegExp(`no sweep 'nope' on the Temporal server at ${temporal.address.replaceAll('.', '\\.')} \\(namespace default\\)$`));
    }
    // A path that does not exist is a missing folder, whatever the server knows.
    for (const command of ['results', 'report']) {
      assertSentence(await cli([command, join(dir, 'no-such-sweep')]), 2, /no folder .*no-such-sweep \(expected a run folder, a sweep folder or a sweep id\)$/);
    }
  });

  test('the Web UI link of a configured server comes from SPIKESWEEP_UI_URL, else the connection profile\'s ui_url', { timeout: 120_000 }, async () => {
    const s = await sweepFile('status-ui-url', { seeds: seeds(1) });
    const submitted = reportOf(await cli(['sweep', s.file, '--detach', '--json'], { SPIKESWEEP_UI_URL: 'https://temporal.example.org/ui/' }), 'sweep --detach');
    const link = `https://temporal.example.org/ui/namespaces/default/workflows/sweep-${s.sweepId}`;
    assert.equal(submitted.uiUrl, link);
    assert.equal(reportOf(await cli(['status', s.sweepId, '--json'], { SPIKESWEEP_UI_URL: 'https://temporal.example.org/ui' }), 'status').uiUrl, link);
    assert.equal(reportOf(await cli(['status', s.sweepId, '--json']), 'status').uiUrl, null, 'no link to guess without it');
    // The connection profile may name the UI (`ui_url`); the environment variable still wins.
    const config = join(dir, 'temporal-ui.toml');
    await writeFile(config, `[profile.lab]\naddress = "${temporal.address}"\nui_url = "https://ui.lab.example/temporal/"\n`);
    const profile = { TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'lab' };
    assert.equal(reportOf(await cli(['status', s.sweepId, '--json'], profile), 'status').uiUrl, `https://ui.lab.example/temporal/namespaces/default/workflows/sweep-${s.sweepId}`);
    assert.equal(reportOf(await cli(['status', s.sweepId, '--json'], { ...profile, SPIKESWEEP_UI_URL: 'https://temporal.example.org/ui' }), 'status').uiUrl, link);
    const { client } = await temporal.client();
    await client.workflow.getHandle(workflowIdOf(s.sweepId)).terminate('test over');
  });

  test('what the server refuses is a sentence: an input too large for one payload, a namespace that does not exist, no server; an output folder the submitter cannot write', { timeout: 120_000 }, async () => {
    // The network spec is a file in the output folder, never in the input: what can still make the
    // input large is an explicit list in the plan, here 300,000 seeds (about 2.4 MB).
    const listed = await sweepFile('status-too-large', { seeds: { policy: 'list', values: Array.from({ length: 300_000 }, (_, i) => 1_000_000 + i) } });
    assertSentence(await cli(['sweep', listed.file, '--detach']), 1, /submitting sweep status-too-large-[0-9a-f]{12} failed: the sweep's input \(\d\.\d MB\) is larger than the Temporal server at \S+ accepts for one payload .*seed lists/);

    // An output folder the submitter cannot write (a path below a plain file): refused before anything reaches the server.
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    const unwritable = await sweepFile('status-unwritable', { seeds: seeds(1), output: join(blocker, 'out') });
    assertSentence(await cli(['sweep', unwritable.file, '--detach']), 1, new RegExp(`cannot write the sweep's network spec into its output folder ${join(blocker, 'out', unwritable.sweepId).replaceAll('.', '\\.')} \\(.*ENOTDIR.*\\); the submitter must be able to write the output folder`));
    const { client } = await temporal.client();
    await assert.rejects(client.workflow.getHandle(workflowIdOf(unwritable.sweepId)).describe(), /not found/i, 'nothing was submitted');

    const small = await sweepFile('status-namespace', { seeds: seeds(1) });
    assertSentence(await cli(['sweep', small.file, '--detach'], { TEMPORAL_NAMESPACE: 'no-such-namespace' }), 1, /namespace 'no-such-namespace' does not exist on the Temporal server at \S+/);
    const nobody = `127.0.0.1:${await freePort()}`;
    assertSentence(await cli(['status', 'nope'], { TEMPORAL_ADDRESS: nobody }), 1, new RegExp(`cannot reach the Temporal server at ${nobody.replaceAll('.', '\\.')} `));
  });
});
