// The Temporal infrastructure against a real dev server (tests/helpers/temporal.ts): the server
// and its search attributes, a worker from createWorker running a fixture workflow end to end,
// Prometheus metrics with the long-run histogram buckets, SIGTERM draining an in-flight activity,
// and a restarted server (same db) still knowing a completed workflow.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { resolveConnection } from '../sweeps/temporal/connection.js';
import { temporalBinary, TemporalCliMissingError } from '../sweeps/temporal/paths.js';
import { searchAttributeFlags } from '../sweeps/temporal/search-attributes.js';
import { TASK_QUEUES, searchAttributes } from '../workflows/contract.js';
import { createWorker } from '../worker/create-worker.js';
import { installRuntime, LONG_RUN_BUCKETS_MS } from '../worker/runtime.js';
import { workerOptionsFromEnv } from '../cli/commands/worker.js';
import { createFixtureActivities } from './fixtures/temporal/activities.js';
import { freePort, startTestTemporal, type TestTemporal } from './helpers/temporal.js';

const WORKFLOWS = fileURLToPath(new URL('./fixtures/temporal/workflows.ts', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('./fixtures/temporal/worker-main.ts', import.meta.url));

let temporal: TestTemporal;
let metricsPort: number;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-infra-'));
  temporal = await startTestTemporal();
  metricsPort = await freePort();
  // Once per process, before any NativeConnection.
  installRuntime({ logger: pino({ level: 'warn' }, pino.destination({ fd: 2, sync: true })), metricsAddress: `127.0.0.1:${metricsPort}` });
});

after(async () => {
  await temporal?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('connection settings', () => {
  test('no address configured → configured: false, namespace default', () => {
    const r = resolveConnection({ env: { HOME: dir } });
    assert.equal(r.configured, false);
    assert.equal(r.namespace, 'default');
    assert.equal(r.connectionOptions.address, undefined);
  });

  test('TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_API_KEY (which turns TLS on)', () => {
    const r = resolveConnection({ env: { HOME: dir, TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_NAMESPACE: 'science', TEMPORAL_API_KEY: 'k' } });
    assert.equal(r.configured, true);
    assert.equal(r.namespace, 'science');
    assert.deepEqual(r.connectionOptions, { address: 'temporal.example:7233', apiKey: 'k', tls: true });
  });

  test('a temporal.toml profile chosen by TEMPORAL_PROFILE', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = join(dir, 'temporal.toml');
    await writeFile(file, '[profile.lab]\naddress = "lab.example:7233"\nnamespace = "lab"\n');
    const r = resolveConnection({ env: { HOME: dir, TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'lab' } });
    assert.equal(r.configured, true);
    assert.equal(r.connectionOptions.address, 'lab.example:7233');
    assert.equal(r.namespace, 'lab');
  });

  test('a missing Temporal CLI binary names npm install and scripts/install-temporal.sh', () => {
    assert.throws(() => temporalBinary({ SPIKESWEEP_TEMPORAL_BIN: join(dir, 'no-such-temporal') }), (error: Error) => {
      assert.ok(error instanceof TemporalCliMissingError);
      assert.match(error.message, /npm install/);
      assert.match(error.message, /scripts\/install-temporal\.sh/);
      return true;
    });
  });

  test('worker options fall back to SPIKESWEEP_* variables; flags win', () => {
    const o = workerOptionsFromEnv({ threads: 4 }, { SPIKESWEEP_QUEUE: 'gpu', SPIKESWEEP_THREADS: '2', SPIKESWEEP_CONCURRENCY: '3', SPIKESWEEP_METRICS_ADDRESS: '0.0.0.0:9464' });
    assert.deepEqual(o, { queue: 'gpu', threads: 4, concurrency: 3, metrics: '0.0.0.0:9464' });
    assert.throws(() => workerOptionsFromEnv({}, { SPIKESWEEP_QUEUE: 'tpu' }), /SPIKESWEEP_QUEUE: expected cpu or gpu/);
  });
});

describe('Temporal infrastructure (real dev server)', () => {
  let completedWorkflowId: string;

  test('the harness server answers: a client describes the namespace', async () => {
    const { connection } = await temporal.client();
    const ns = await connection.workflowService.describeNamespace({ namespace: temporal.namespace });
    assert.equal(ns.namespaceInfo?.name, 'default');
    assert.ok(existsSync(temporal.dbFile), 'the SQLite db file exists');
  });

  test("the contract's search attributes are registered with their types", async () => {
    const { connection } = await temporal.client();
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
    const typeNames: Record<string, number> = { KEYWORD: 2, INT: 3 };
    for (const key of Object.values(searchAttributes)) {
      assert.equal(customAttributes?.[key.name], typeNames[key.type], `${key.name} registered as ${key.type}`);
    }
    assert.deepEqual(searchAttributeFlags().slice(0, 2), ['--search-attribute', 'SpikesweepSweepId=Keyword']);
  });

  test('a worker from createWorker runs a workflow and an activity end to end; Prometheus serves metrics', async () => {
    const connection = await NativeConnection.connect({ address: temporal.address });
    try {
      const worker: Worker = await createWorker({
        connection,
        namespace: temporal.namespace,
        queue: 'cpu',
        concurrency: 2,
        threads: 3,
        activities: (settings) => createFixtureActivities(settings),
        workflowsPath: WORKFLOWS,
        shutdownGraceTimeMs: 5_000,
      });
      assert.equal(worker.options.taskQueue, TASK_QUEUES.cpu);
      // maxConcurrentActivityTaskExecutions = concurrency becomes a fixed-size activity slot supplier.
      assert.deepEqual((worker.options.tuner as { activityTaskSlotSupplier?: unknown }).activityTaskSlotSupplier, { type: 'fixed-size', numSlots: 2 });
      assert.equal(worker.options.shutdownGraceTimeMs, 5_000);
      const result = await worker.runUntil(async () => {
        const { client } = await temporal.client();
        completedWorkflowId = `greet-${Date.now()}`;
        const handle = await client.workflow.start('greetWorkflow', {
          taskQueue: TASK_QUEUES.cpu,
          workflowId: completedWorkflowId,
          args: ['neurons'],
          typedSearchAttributes: [{ key: searchAttributes.sweepId, value: 'sweep-123' }, { key: searchAttributes.runsDone, value: 0 }],
        });
        const value = await handle.result();
        const description = await handle.describe();
        assert.equal(description.typedSearchAttributes.get(searchAttributes.sweepId), 'sweep-123');
        return value;
      });
      assert.equal(result, 'hello neurons from spikesweep-cpu (3 threads)');

      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.match(text, /^# (HELP|TYPE) /m, 'Prometheus text format');
      assert.match(text, /temporal_/);
      const top = LONG_RUN_BUCKETS_MS.at(-1);
      assert.match(text, new RegExp(`activity_execution_latency_bucket\\{[^}]*le="${top}"`), 'activity latency buckets reach a day');
    } finally {
      // After a failure inside runUntil the worker may still be releasing the connection.
      await connection.close().catch((error: Error) => console.error(`closing the worker connection: ${error.message}`));
    }
  });

  test('SIGTERM drains: the in-flight activity heartbeats to completion within the grace time, then the worker exits 0', async () => {
    const markers = await mkdtemp(join(dir, 'markers-'));
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], {
      env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace, FIXTURE_MARKER_DIR: markers, SPIKESWEEP_SHUTDOWN_GRACE_MS: '20000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      const { client } = await temporal.client();
      const handle = await client.workflow.start('slowWorkflow', { taskQueue: TASK_QUEUES.cpu, workflowId: `slow-${Date.now()}`, args: [3_000] });
      const events = () => (existsSync(join(markers, 'events.log')) ? readFileSync(join(markers, 'events.log'), 'utf8') : '');
      const deadline = Date.now() + 60_000;
      while (!events().includes('started')) {
        assert.ok(Date.now() < deadline, `the activity never started; worker stderr:\n${stderr}`);
        await sleep(50);
      }
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      const exitedAt = Date.now();
      assert.equal(signal, null, `worker killed by ${signal}; stderr:\n${stderr}`);
      assert.equal(code, 0, `worker exit code; stderr:\n${stderr}`);
      const finished = /(\d+) finished/.exec(events());
      assert.ok(finished, `the activity finished before the worker exited; events:\n${events()}\nstderr:\n${stderr}`);
      assert.ok(Number(finished![1]) >= signalledAt && Number(finished![1]) <= exitedAt);
      assert.match(stderr, /draining/);

      // The attempt's completion reached the server even though the worker was shutting down.
      const history = await handle.fetchHistory();
      const types = (history.events ?? []).map((e) => String(e.eventType));
      assert.ok(types.some((t) => t === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED' || t === '12'), `history: ${types.join(', ')}`);
      await handle.terminate('test over');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  test('the server restarted on the same db still knows the completed workflow', async () => {
    assert.ok(completedWorkflowId, 'the end-to-end test ran first');
    const before = temporal.pid;
    await temporal.restart();
    assert.notEqual(temporal.pid, before);
    const { client } = await temporal.client();
    const handle = client.workflow.getHandle(completedWorkflowId);
    const description = await handle.describe();
    assert.equal(description.status.name, 'COMPLETED');
    assert.equal(await handle.result(), 'hello neurons from spikesweep-cpu (3 threads)');
  });
});
