// Supervises one run in a runner process: heartbeats naming the run and its latest committed
// checkpoint while it runs, cancellation (the process is killed at once), and what the outcome
// means for the run's failure budget (budget.ts): bad input fails it at once, an error or a native
// crash uses one attempt, a runner killed from outside (OOM killer, node drain) uses none. A batch
// is supervised as one: its heartbeats list the checkpoint of each of its runs (a retried batch
// resumes each run that has one alone), and its process's death is every run's outcome.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { RunReport } from '../../engine/index.js';
import type { RunHeartbeat } from '../../workflows/contract.js';
import { RunnerCrashed, runInRunner } from './runner-pool.js';
import type { BatchJob, RunJob, RunnerReply } from './runner-protocol.js';

const HEARTBEAT_MS = 250;

/** Signals that come from outside the run (the kernel's OOM killer, a drain, an operator), not from its own code. */
const EXTERNAL_SIGNALS: ReadonlySet<string> = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP']);

export type RunOutcome =
  | { kind: 'done'; report: RunReport }
  /** The run's input is bad: retrying cannot help. */
  | { kind: 'invalid'; message: string }
  /** The run failed by itself: an error, or its process crashed (SIGSEGV, SIGABRT, …). */
  | { kind: 'failed'; message: string }
  /** Its process was killed from outside: not the run's fault. */
  | { kind: 'lost'; message: string };

async function checkpointStep(outDir: string): Promise<number | null> {
  try {
    return Number(JSON.parse(await readFile(join(outDir, 'progress.json'), 'utf8')).step);
  } catch {
    return null;
  }
}

const outcomeOf = (reply: RunnerReply): RunOutcome =>
  reply.kind === 'done' ? { kind: 'done', report: reply.report } : { kind: reply.error.exitCode === 2 ? 'invalid' : 'failed', message: reply.error.message };

/** Heartbeats `details()` while `work` runs; a crashed runner becomes `crashed(outcome)`. Rejects only when the activity is cancelled. */
async function supervised<T>(details: () => Promise<RunHeartbeat>, work: (signal: AbortSignal) => Promise<T>, crashed: (outcome: RunOutcome) => T): Promise<T> {
  const ctx = Context.current();
  const beat = setInterval(async () => ctx.heartbeat(await details()), HEARTBEAT_MS);
  try {
    return await work(ctx.cancellationSignal);
  } catch (error) {
    if (!(error instanceof RunnerCrashed)) throw error;
    return crashed({ kind: error.signal && EXTERNAL_SIGNALS.has(error.signal) ? 'lost' : 'failed', message: error.message });
  } finally {
    clearInterval(beat);
  }
}

/** Runs a job; rejects only when the activity is cancelled. */
export function runSupervised(job: RunJob, runIndex: number, totalSteps: number): Promise<RunOutcome> {
  return supervised(async () => {
    const step = await checkpointStep(job.outDir);
    return { runIndex, stepsDone: step ?? 0, totalSteps, checkpointDir: step === null ? null : job.outDir, checkpointStep: step ?? 0 };
  }, async (signal) => outcomeOf(await runInRunner(job, signal)), (outcome) => outcome);
}

/** Runs a batch job: each run's outcome, in order; rejects only when the activity is cancelled. Its heartbeats list the runs' checkpoints. */
export function runBatchSupervised(job: BatchJob, runIndices: number[], totalSteps: number): Promise<RunOutcome[]> {
  return supervised(
    async () => {
      const steps = await Promise.all(job.runs.map((run) => checkpointStep(run.outDir)));
      const checkpoints = steps.flatMap((step, k) => (step === null ? [] : [{ runIndex: runIndices[k], step }]));
      return { runIndex: runIndices[0], stepsDone: 0, totalSteps, checkpointDir: null, checkpointStep: 0, checkpoints };
    },
    async (signal) => (await runInRunner(job, signal)).replies.map(outcomeOf),
    (outcome) => job.runs.map(() => outcome),
  );
}
