// One run of a sweep, idempotent and resumable, as a runner process runs a group's runs
// (runner-child.ts) and the cuda backend's batches prepare and settle them (gpu-batches.ts). A
// committed run returns its recorded summary; an
// attempt after a failure resumes from the checkpoint its predecessor heartbeated; outputs reach
// the dataset by rename only after the run finished. The run's failure budget (budget.ts) decides
// whether a failure is retried (the activity fails, Temporal retries it) or recorded for good.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { BACKEND_NAMES, backendFor, DEFAULT_BACKEND, isBackendName } from '../../backends/index.js';
import { CHECKPOINTS_DIR } from '../../engine/index.js';
import { RUN_ATTEMPTS, type RunHeartbeat, type RunInput, type RunSummary } from '../../workflows/contract.js';
import type { RunJob, RunOutcome, RunSettings } from './runner-protocol.js';
import type { Phase } from '../../network/experiment/index.js';
import { NetworkSpecFileError, PARTITIONED_DATASETS, runPaths, type RunPaths, type RunRecord } from '../../results/index.js';
import { failAttempt, startAttempt, type RunBudget } from './budget.js';
import { networkOf } from './network.js';
import { readRecord, writeRecord } from './summary.js';

// Test-only fault hook: SPIKESWEEP_FAULT_RUN=<index>[:<step>] makes that run's native code crash.
function faultEnv(runIndex: number): Record<string, string> {
  const [run, step = '100'] = (process.env.SPIKESWEEP_FAULT_RUN ?? '').split(':');
  return run !== '' && Number(run) === runIndex ? { SPIKESWEEP_FAULT_CRASH_STEP: step } : {};
}

async function commit(paths: RunPaths, outDir: string): Promise<void> {
  const moves = [...PARTITIONED_DATASETS.map((d) => [join(outDir, d), paths[d]]), [join(outDir, 'manifest.json'), join(paths.runDir, 'manifest.json')]];
  for (const [from, to] of moves) {
    if (!existsSync(from)) continue;
    await rm(to, { recursive: true, force: true });
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
  }
}

/** The job of this attempt: a resume from the heartbeated checkpoint, a fresh run, or why the input is bad. */
async function jobFor(input: RunInput, settings: RunSettings, outDir: string, resume: boolean): Promise<RunJob | string> {
  const common = { cacheDir: settings.cacheDir, env: faultEnv(input.runIndex) };
  if (resume) return { kind: 'resume', outDir, durationMs: input.durationMs, ...common };
  const backend = input.backend ?? DEFAULT_BACKEND;
  if (!isBackendName(backend)) return `this worker has no ${backend} backend (it has ${BACKEND_NAMES.join(', ')})`;
  await rm(outDir, { recursive: true, force: true });
  // Spikes do not depend on the thread count, so a one-thread backend may run a many-thread worker's runs.
  const threads = Math.min(settings.threads ?? input.threads, backendFor(backend).maxThreads);
  const { sweepId, output, networkSha256, network, params } = input;
  return {
    kind: 'run', network: { sweepId, output, networkSha256, network }, params, protocol: input.protocol as Phase[] | null, seed: input.seed, threads, backend, cudaMode: input.cudaMode,
    durationMs: input.durationMs, checkpointEveryMs: input.checkpointEveryMs, outDir, runId: `run-${input.runIndex}`, ...common,
  };
}

/** Where an attempt at a run writes its outputs and checkpoints, inside the run's work folder. */
export const attemptOutDir = (paths: RunPaths): string => join(paths.work, 'out');

/** Records the run failed for good (its work folder, with any partial rows, goes). */
async function recordFailure(input: RunInput, paths: RunPaths, budget: RunBudget, message: string): Promise<RunRecord> {
  const record: RunRecord = {
    runIndex: input.runIndex, status: 'failed', attempts: budget.failures, lostWorkers: budget.lostWorkers, resumedFromMs: 0,
    spikesSha256: null, error: message, values: input.values, seed: input.seed, report: null,
  };
  await writeRecord(paths.summary, record);
  await rm(paths.work, { recursive: true, force: true });
  return record;
}

/** A run's verdict: its record, and whether this attempt ran it (not found committed). */
export interface RunVerdict { record: RunRecord; ran: boolean }

/** Bad input is not retried: the run is recorded failed at once, with the reason. */
async function failInvalid(input: RunInput, paths: RunPaths, budget: RunBudget, message: string): Promise<RunVerdict> {
  return { record: await recordFailure(input, paths, { ...budget, failures: budget.failures + 1 }, message), ran: true };
}

/** An attempt at a run, ready to go: its job for a runner, and what its outcome is judged with. */
export interface PreparedRun {
  input: RunInput;
  job: RunJob;
  paths: RunPaths;
  budget: RunBudget;
  dt: number;
  resume: boolean;
  previous: RunHeartbeat | undefined;
  started: number;
}

/**
 * Prepares an attempt at a run: its verdict at once when it is committed or its input is bad, else
 * its job. `previous` is the last heartbeat of an interrupted attempt at this run.
 */
export async function prepareRun(input: RunInput, settings: RunSettings, previous: RunHeartbeat | undefined): Promise<RunVerdict | PreparedRun> {
  const started = performance.now();
  const paths = runPaths(input.output, input.sweepId, input.runIndex);
  const committed = await readRecord(paths.summary);
  if (committed) return { record: committed, ran: false };

  await mkdir(paths.work, { recursive: true });
  const budget = await startAttempt(paths.work);
  const network = await networkOf(input).catch((e: unknown) => {
    if (e instanceof NetworkSpecFileError) return e;
    throw e;
  });
  if (network instanceof NetworkSpecFileError) return failInvalid(input, paths, budget, network.message);
  const outDir = attemptOutDir(paths);
  const resume = !!previous?.checkpointDir && existsSync(join(outDir, 'progress.json'));
  const job = await jobFor(input, settings, outDir, resume);
  if (typeof job === 'string') return failInvalid(input, paths, budget, job);
  return { input, job, paths, budget, dt: network.dt, resume, previous, started };
}

/**
 * The verdict on an attempt that did not complete: bad input records the run failed at once; a
 * lost runner throws a retryable failure (no budget used: the attempt's start mark stays, and the
 * next attempt counts it as a lost worker); a failure of the run's own uses one attempt of its
 * budget, and the last records it failed.
 */
export async function settleFailure(input: RunInput, paths: RunPaths, budget: RunBudget, outcome: Exclude<RunOutcome, { kind: 'done' }>): Promise<RunVerdict> {
  if (outcome.kind === 'invalid') return failInvalid(input, paths, budget, outcome.message);
  if (outcome.kind === 'lost') throw ApplicationFailure.retryable(outcome.message, 'WorkerLost');
  const spent = await failAttempt(paths.work, budget);
  if (spent.failures >= RUN_ATTEMPTS) return { record: await recordFailure(input, paths, spent, outcome.message), ran: true };
  throw ApplicationFailure.retryable(outcome.message, 'RunFailed');
}

/** A run's verdict from its attempt's outcome: committed, failed for good, or a retryable failure thrown (settleFailure). */
export async function settleRun(run: PreparedRun, outcome: RunOutcome): Promise<RunVerdict> {
  const { input, paths, budget, dt, resume, previous } = run;
  if (outcome.kind !== 'done') return settleFailure(input, paths, budget, outcome);
  const report = outcome.report;
  await commit(paths, run.job.outDir);
  const record: RunRecord = {
    runIndex: input.runIndex, status: 'completed', attempts: budget.failures + 1, lostWorkers: budget.lostWorkers,
    resumedFromMs: resume ? (previous?.checkpointStep ?? 0) * dt : 0,
    spikesSha256: report.spikesSha256, error: null, values: input.values, seed: input.seed, backend: report.backend,
    report: { timings: { ...report.timings }, populations: report.populations, simulatedMs: report.simulatedMs },
    attemptMs: performance.now() - run.started,
  };
  await writeRecord(paths.summary, record);
  // Checkpoints go now (they can be large); the rest of the work folder stays until finalizeSweep
  // removes the whole work root. On a file system without a journal, ext4 skips recently deleted
  // inodes when it allocates one, so deleting a few inodes per run made every later run's file
  // creations scan past thousands of them (a third of a tiny run's CPU, perf).
  await rm(join(run.job.outDir, CHECKPOINTS_DIR), { recursive: true, force: true });
  return { record, ran: true };
}

export function createRecordOutcomeActivity() {
  return async function recordRunOutcome(args: { sweepId: string; output: string; summary: RunSummary; values: Record<string, number>; seed: number }): Promise<void> {
    const paths = runPaths(args.output, args.sweepId, args.summary.runIndex);
    if (await readRecord(paths.summary)) return;
    await writeRecord(paths.summary, { ...args.summary, values: args.values, seed: args.seed, report: null });
  };
}
