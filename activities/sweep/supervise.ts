// Supervises work in a runner process: heartbeats naming the run and its latest committed
// checkpoint while it runs, cancellation (the process is killed at once), and what the outcome
// means for the run's failure budget (budget.ts): bad input fails it at once, an error or a native
// crash uses one attempt, a runner killed from outside (OOM killer, node drain) uses none. A group
// is supervised run by run, from the runner's events: a dead runner settles the run it was in, and
// the group's remaining runs go on in a fresh one. A batch is supervised as one: its heartbeats
// list the checkpoint of each of its runs (a retried batch resumes each run that has one alone),
// and its process's death is every run's outcome.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { runPaths } from '../../results/index.js';
import type { RunHeartbeat, RunInput } from '../../workflows/contract.js';
import { settleFailure, type RunVerdict } from './run.js';
import { RunnerCrashed, runInRunner } from './runner-pool.js';
import { outcomeOf, type BatchJob, type GroupEnd, type GroupEvent, type RunJob, type RunOutcome, type RunSettings } from './runner-protocol.js';

/** How often a run's heartbeat details are refreshed (the SDK sends them to the server at most every 0.8 × the heartbeat timeout). */
export const HEARTBEAT_MS = 250;

/** Signals that come from outside the run (the kernel's OOM killer, a drain, an operator), not from its own code. */
const EXTERNAL_SIGNALS: ReadonlySet<string> = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP']);

async function checkpointStep(outDir: string): Promise<number | null> {
  try {
    return Number(JSON.parse(await readFile(join(outDir, 'progress.json'), 'utf8')).step);
  } catch {
    return null;
  }
}

/** A heartbeat naming a run (the next to run, or a batch's first) with no checkpoint of its own. */
export const heartbeatWithoutCheckpoint = (runIndex: number | undefined, totalSteps = 0): RunHeartbeat =>
  ({ runIndex, stepsDone: 0, totalSteps, checkpointDir: null, checkpointStep: 0 });

/**
 * A group's heartbeat while no run is in its runner (a runner starting, runs found committed):
 * the interrupted attempt's, while the run it names is the next to go on, since its checkpoint is
 * still the one to resume from — the SDK sends an attempt's first heartbeat at once, so one
 * naming no checkpoint would make the next attempt start that run over — else one naming the
 * next run without a checkpoint.
 */
export const heartbeatBetweenRuns = (next: number | undefined, previous: RunHeartbeat | undefined): RunHeartbeat =>
  (previous && previous.runIndex === next ? previous : heartbeatWithoutCheckpoint(next));

/** A run's heartbeat: it, and the latest checkpoint in its output folder. */
async function runHeartbeat(runIndex: number, outDir: string, totalSteps: number): Promise<RunHeartbeat> {
  const step = await checkpointStep(outDir);
  return { runIndex, stepsDone: step ?? 0, totalSteps, checkpointDir: step === null ? null : outDir, checkpointStep: step ?? 0 };
}

type CrashOutcome = Extract<RunOutcome, { kind: 'lost' | 'failed' }>;

/** Heartbeats `details()` while `work` runs; a crashed runner becomes `crashed(outcome)`. Rejects only when the activity is cancelled. */
async function supervised<T>(details: () => Promise<RunHeartbeat>, work: (signal: AbortSignal) => Promise<T>, crashed: (outcome: CrashOutcome) => T): Promise<T> {
  const ctx = Context.current();
  const beat = setInterval(async () => ctx.heartbeat(await details()), HEARTBEAT_MS);
  try {
    return await work(ctx.cancellationSignal);
  } catch (error) {
    if (!(error instanceof RunnerCrashed)) throw error;
    // The details the SDK sends with the attempt's failure: the latest checkpoint on disk, which a
    // runner killed between two ticks of the timer wrote after the last beat.
    ctx.heartbeat(await details());
    return crashed({ kind: error.signal && EXTERNAL_SIGNALS.has(error.signal) ? 'lost' : 'failed', message: error.message });
  } finally {
    clearInterval(beat);
  }
}

/** Runs a job; rejects only when the activity is cancelled. */
export function runSupervised(job: RunJob, runIndex: number, totalSteps: number): Promise<RunOutcome> {
  return supervised(() => runHeartbeat(runIndex, job.outDir, totalSteps), async (signal) => outcomeOf(await runInRunner(job, signal)), (outcome) => outcome);
}

/** Runs a batch job: each run's outcome, in order; rejects only when the activity is cancelled. Its heartbeats list the runs' checkpoints. */
export function runBatchSupervised(job: BatchJob, runIndices: number[], totalSteps: number): Promise<RunOutcome[]> {
  return supervised(
    async () => {
      const steps = await Promise.all(job.runs.map((run) => checkpointStep(run.outDir)));
      const checkpoints = steps.flatMap((step, k) => (step === null ? [] : [{ runIndex: runIndices[k], step }]));
      return { ...heartbeatWithoutCheckpoint(runIndices[0], totalSteps), checkpoints };
    },
    async (signal) => (await runInRunner(job, signal)).replies.map(outcomeOf),
    (outcome) => job.runs.map(() => outcome),
  );
}

/**
 * Runs a group's runs in order in runner processes (each prepared, run and committed there,
 * runner-child.ts); `onVerdict` follows each verdict (a run's verdict may come after the next run
 * started: it commits while that one runs). A runner that dies mid-run settles that run
 * (settleFailure: a lost runner or a failure within budget is thrown for Temporal to retry the
 * group; a spent budget records the run failed), and the runs without a verdict go on in a fresh
 * runner (one whose commit was cut short runs again: it never wrote its summary).
 */
export async function runGroupSupervised(inputs: RunInput[], settings: RunSettings, previous: RunHeartbeat | undefined, onVerdict: (input: RunInput, verdict: RunVerdict) => void): Promise<void> {
  const byIndex = new Map(inputs.map((input) => [input.runIndex, input]));
  let rest = inputs;
  while (rest.length) {
    const state: { current: Extract<GroupEvent, { kind: 'started' }> | null } = { current: null };
    const judged = new Set<number>();
    const onEvent = (event: GroupEvent) => {
      if (event.kind === 'started') state.current = event;
      else {
        const { runIndex } = event.record;
        if (state.current?.runIndex === runIndex) state.current = null;
        judged.add(runIndex);
        onVerdict(byIndex.get(runIndex)!, event);
      }
    };
    const job = { kind: 'group' as const, inputs: rest, settings, previous };
    const end = await supervised<GroupEnd | { kind: 'crashed'; outcome: CrashOutcome }>(async () => {
      const run = state.current;
      if (run) return runHeartbeat(run.runIndex, run.outDir, run.totalSteps);
      return heartbeatBetweenRuns(rest.find((input) => !judged.has(input.runIndex))?.runIndex, previous);
    }, (signal) => runInRunner(job, signal, onEvent), (outcome) => ({ kind: 'crashed' as const, outcome }));
    if (end.kind === 'group-done') return;
    if (end.kind === 'retry') throw ApplicationFailure.retryable(end.message, end.type);
    if (end.kind === 'group-error') throw new Error(end.message);
    const run = state.current;
    // A runner lost between runs costs no run anything.
    if (!run) throw ApplicationFailure.retryable(end.outcome.message, 'WorkerLost');
    const input = byIndex.get(run.runIndex)!;
    onVerdict(input, await settleFailure(input, runPaths(input.output, input.sweepId, input.runIndex), run.budget, end.outcome));
    judged.add(run.runIndex);
    rest = rest.filter((i) => !judged.has(i.runIndex));
    previous = undefined;
  }
}
