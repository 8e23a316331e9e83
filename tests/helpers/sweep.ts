// Shared helpers of the sweep integration tests (tests/sweep-*.test.ts): write sweep files into a
// temp folder, spawn `spikesweep` commands and workers as child processes (so a test can SIGKILL
// them), read runs.parquet and the spike dataset with DuckDB, and hash sorted spike rows.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { NetworkSpec } from '../../network/spec/schema.js';
import { BIN, ROOT } from './cli.js';

export const CUBA = join(ROOT, 'examples', 'cuba.yaml');
export const CUBA_SWEEP = join(ROOT, 'examples', 'cuba-sweep.yaml');

/** The environment of every spikesweep child: the harness's server, quiet logs, sources through tsx. */
export function cliEnv(address: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default', SPIKESWEEP_LOG_LEVEL: 'warn', ...extra };
  delete env.SPIKESWEEP_FAULT_RUN;
  if (extra.SPIKESWEEP_FAULT_RUN) env.SPIKESWEEP_FAULT_RUN = extra.SPIKESWEEP_FAULT_RUN;
  // node:test sets NODE_TEST_CONTEXT in test processes; a child node must not think it is one.
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** Writes a sweep file (JSON is YAML) and returns its path. */
export async function writeSweepFile(dir: string, name: string, sweep: Record<string, unknown>): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `${JSON.stringify(sweep, null, 2)}\n`);
  return file;
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves once the worker prints that it polls. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `spikesweep worker --queue cpu --concurrency n` against the harness's server. */
export function startWorker(address: string, opts: { queue?: 'cpu' | 'gpu'; concurrency?: number; threads?: number; env?: NodeJS.ProcessEnv } = {}): WorkerProcess {
  const args = ['worker', '--queue', opts.queue ?? 'cpu', '--concurrency', String(opts.concurrency ?? 2), '--threads', String(opts.threads ?? 1)];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cliEnv(address, opts.env), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let onReady: () => void;
  let onFail: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => { onReady = resolve; onFail = reject; });
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-50_000);
    if (stderr.includes('polling')) onReady();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => {
    onFail(new Error(`worker exited (${code ?? signal}) before polling:\n${stderr}`));
    resolve({ code, signal });
  }));
  ready.catch(() => undefined);
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child, pid: child.pid!, ready, exited, alive,
    stderr: () => stderr,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!alive()) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** Waits until `check` returns a truthy value (polling); throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 120_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Pids of processes whose command line contains `pattern` (pgrep -f), excluding pgrep itself. */
export function pgrep(pattern: string): number[] {
  const r = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number).filter((p) => p !== r.pid);
}

/** Direct children of `pid` (from /proc). */
export function childPids(pid: number): number[] {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0); it has exited all the same.
  try {
    const stat = spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' }).stdout;
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return true;
  }
}

// ——— DuckDB ———

const sql = (s: string) => `'${s.replaceAll("'", "''")}'`;

let shared: Promise<DuckDBConnection> | null = null;
async function duck(): Promise<DuckDBConnection> {
  shared ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
  return shared;
}

/** Rows of a query as plain JSON objects (BIGINT → number where safe). */
export async function query(text: string): Promise<Record<string, unknown>[]> {
  const con = await duck();
  const reader = await con.runAndReadAll(text);
  return (reader.getRowObjectsJson() as Record<string, unknown>[]).map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)) && k !== 'spikes_sha256' ? Number(v) : v])));
}

export type RunRow = Record<string, unknown> & { run: number; seed: number; status: string; attempts: number; resumed_from_ms: number; spikes_sha256: string | null; error: string | null };

/** runs.parquet of a sweep folder, ordered by run. */
export async function readRuns(sweepDir: string): Promise<RunRow[]> {
  return (await query(`SELECT * FROM read_parquet(${sql(join(sweepDir, 'runs.parquet'))}) ORDER BY run`)) as RunRow[];
}

export const spikesGlob = (sweepDir: string) => join(sweepDir, 'spikes', '*', '*.parquet');

/** Spike rows per run in the hive-partitioned spike dataset (DuckDB reads it as one dataset). */
export async function spikeCountsByRun(sweepDir: string): Promise<Map<number, number>> {
  if (!existsSync(join(sweepDir, 'spikes'))) return new Map();
  const rows = await query(`SELECT run, count(*) AS n FROM read_parquet(${sql(spikesGlob(sweepDir))}, hive_partitioning = true) GROUP BY run ORDER BY run`);
  return new Map(rows.map((r) => [Number(r.run), Number(r.n)]));
}

/** Part files of one run in the spike dataset. */
export function spikeParts(sweepDir: string, run: number): string[] {
  const dir = join(sweepDir, 'spikes', `run=${run}`);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.parquet')) : [];
}

/**
 * SHA-256 of a set of spike rows (population, neuron, t_ms) sorted, plus the row count: equal
 * for two outputs holding the same spikes however they were split into part files.
 * `source` is a DuckDB table expression (e.g. read_parquet(...)), `where` an optional filter.
 */
export async function spikeRowsHash(source: string, where = 'true'): Promise<{ rows: number; sha256: string }> {
  const con = await duck();
  const reader = await con.runAndReadAll(`SELECT population, neuron, t_ms FROM ${source} WHERE ${where} ORDER BY t_ms, population, neuron`);
  const hash = createHash('sha256');
  const rows = reader.getRows();
  for (const [population, neuron, t] of rows) hash.update(`${population},${neuron},${(t as number).toFixed(6)}\n`);
  return { rows: rows.length, sha256: hash.digest('hex') };
}

export const parquetSource = (glob: string, hive = false) => `read_parquet(${sql(glob)}${hive ? ', hive_partitioning = true' : ''})`;

// ——— networks ———

/** CUBA as the sweep loads it (examples/cuba.yaml → NetworkSpec). */
export async function cubaSpec(): Promise<NetworkSpec> {
  const { loadExperiment } = await import('../../network/experiment/index.js');
  return loadExperiment(CUBA).network;
}

/**
 * A 100-neuron CUBA (80 excitatory, 20 inhibitory, connection probability 0.1, spike monitors
 * only), written as NetworkSpec JSON into `dir`; returns its path.
 */
export async function writeSmallNetwork(dir: string, name = 'cuba100'): Promise<string> {
  const cuba = await cubaSpec();
  const spec: NetworkSpec = {
    ...cuba,
    name,
    populations: cuba.populations.map((p) => ({ ...p, geometry: p.name === 'exc' ? 80 : 20 })),
    projections: cuba.projections.map((p) => ({ ...p, connector: { ...p.connector, probability: 0.1 } as typeof p.connector })),
  };
  const file = join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(spec, null, 2)}\n`);
  return file;
}

// ——— Temporal ———

export interface PendingRun {
  activityId: string;
  attempt: number;
  /** The last heartbeat's details that reached the server (RunHeartbeat), or null. */
  details: { runIndex?: number; stepsDone: number; totalSteps: number; checkpointDir: string | null; checkpointStep: number } | null;
}

/** The run (and run group) activities a batch workflow has pending, with the heartbeat details the server holds. */
export async function pendingRuns(client: Client, batchWorkflowId: string): Promise<PendingRun[]> {
  const description = await client.workflow.getHandle(batchWorkflowId).describe();
  return (description.raw.pendingActivities ?? [])
    .filter((a) => a.activityType?.name === 'runGroup' || a.activityType?.name === 'runSimulation')
    .map((a) => {
      const payload = a.heartbeatDetails?.payloads?.[0];
      return { activityId: String(a.activityId), attempt: Number(a.attempt ?? 1), details: payload ? defaultPayloadConverter.fromPayload(payload) : null };
    });
}
