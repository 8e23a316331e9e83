// RunBatchWorkflow: runs a contiguous range of a sweep's runs with bounded concurrency (a sliding
// window of at most the slots it holds), reports finished runs to its sweep in chunks, and returns
// counts. Batches of sweeps started with the `overlapping-batches` patch hold a share of the
// sweep's maxConcurrent slots (BatchInput.slots, workflows/batch-slots.ts) and hand them on as they
// drain; older ones had a window of maxConcurrent each. Runs go out in groups (one `runGroup`
// activity runs a contiguous range): the first groups hold one run each, later ones are sized from the wall time per run the finished
// groups report, aiming at GROUP_TARGET_MS per activity, and capped so that every slot gets a share
// of the runs left (of the sweep's, in batches started with the `sweep-wide-share` patch: the next
// batch overlaps this one's end, so only the sweep's last runs need small groups; of the batch's
// before, which cut every batch's end into a score of small groups). Runs are identified by (sweep, index), so
// a retried or re-submitted group never repeats a committed run. Batches started with the
// `run-details` patch name each group's runs in its activity summary (the Web UI's timeline) and
// report finished runs by parameter point (the sweep's live details), about REPORTS_PER_BATCH times.
import { ActivityCancellationType, ActivityFailure, CancellationScope, condition, getExternalWorkflowHandle, isCancellation, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/index.js';
import { batchSlots } from './batch-slots.js';
import { RUN_ATTEMPTS, runsFinishedSignal, type GroupInput, type RunSummary, type SweepInput } from './contract.js';
import { runRangeSummary } from './plan/describe.js';
import { runCount } from './plan/expand.js';
import { emptyPointProgress, hasRuns, mergePointProgress } from './point-progress.js';
import { runInputOf } from './run-input.js';

/** Report to the sweep after this many finished runs (or at the end): bounded signals per batch. */
const REPORT_EVERY = 25;
/** Batches with run details report after each group that brings their unreported runs to 1/REPORTS_PER_BATCH of the batch (at most every REPORT_EVERY): a small sweep's details move run by run. */
const REPORTS_PER_BATCH = 20;
/**
 * Wall time a group aims at: long enough that an activity's fixed costs (scheduling, pick-up, a
 * history event or six) vanish beside it, short enough that progress and load balance stay fine.
 * A run longer than this is a group of its own.
 */
export const GROUP_TARGET_MS = 10_000;
/** Batches that began before run groups keep running one activity per run (their replay needs it). */
const RUN_GROUPS_PATCH = 'run-groups';
/** Batches started before it schedule groups without a summary and report counts only (their replay needs it). */
const RUN_DETAILS_PATCH = 'run-details';

const groupOptions = {
  startToCloseTimeout: '24 hours',
  // Short: a dead worker is noticed in seconds, and cancellation reaches a run within ~2 s
  // (heartbeats are throttled to 0.8 × this timeout: every 1.2 s).
  heartbeatTimeout: '1500 milliseconds',
  // No attempt limit: a lost worker is retried with backoff for as long as the sweep lives. A run
  // that fails by itself uses its own budget of RUN_ATTEMPTS, counted and recorded by the activity.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const { runGroup } = proxyActivities<SweepActivities>(groupOptions);
/**
 * Batches started with CANCEL_WAITS_PATCH close only once their cancelled groups have stopped (the
 * worker saw the cancel at a heartbeat, or the attempt timed out): a cancelled sweep then has no
 * run in flight when it finalizes. Older ones closed as soon as the cancel was requested.
 */
const { runGroup: runGroupToItsEnd } = proxyActivities<SweepActivities>({ ...groupOptions, cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED });
const CANCEL_WAITS_PATCH = 'cancel-waits-for-groups';
const SWEEP_WIDE_SHARE_PATCH = 'sweep-wide-share';
/**
 * Batches started with it count a group that failed after their cancel as cancelled: the server
 * retries no attempt once a cancel is requested, so a run that failed by itself (a crash within
 * its budget) in the moment before the worker heard of the cancel fails the activity. Older ones
 * failed the batch (their replay needs it).
 */
const FAILED_AFTER_CANCEL_PATCH = 'group-failed-after-cancel';

// Batches recorded before run groups: one activity per run, 3 attempts whatever the cause.
const { runSimulation } = proxyActivities<SweepActivities>({
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '1500 milliseconds',
  retry: { maximumAttempts: RUN_ATTEMPTS, initialInterval: '1 second', nonRetryableErrorTypes: ['InvalidRunInput'] },
});

const { recordRunOutcome } = proxyActivities<SweepActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
});

export interface BatchInput {
  sweep: SweepInput;
  from: number;
  to: number;
  /** Workflow id of the sweep that receives progress. */
  sweepWorkflowId: string;
  /**
   * Slots of the sweep's maxConcurrent lent to this batch at its start (more arrive by signal).
   * Absent in batches of sweeps that ran their batches one after another (before the sweep's
   * `overlapping-batches` patch): a window of maxConcurrent of their own. The input is in the
   * batch's history, so it decides as surely as a patch marker which way a replay goes.
   */
  slots?: number;
}

export interface BatchResult {
  completed: number;
  failed: number;
  cancelled: number;
}

export async function RunBatchWorkflow({ sweep, from, to, sweepWorkflowId, slots: lent }: BatchInput): Promise<BatchResult> {
  const grouped = patched(RUN_GROUPS_PATCH);
  const group = grouped && patched(CANCEL_WAITS_PATCH) ? runGroupToItsEnd : runGroup;
  const detailed = grouped && patched(RUN_DETAILS_PATCH);
  const shareEnd = grouped && patched(SWEEP_WIDE_SHARE_PATCH) ? runCount(sweep.plan) : to;
  const reportEvery = detailed ? Math.max(1, Math.min(REPORT_EVERY, Math.ceil((to - from) / REPORTS_PER_BATCH))) : REPORT_EVERY;
  const parent = getExternalWorkflowHandle(sweepWorkflowId);
  const slots = lent === undefined ? null : batchSlots(lent, sweepWorkflowId);
  const sender = slots ? { batch: workflowInfo().workflowId } : {};
  const result: BatchResult = { completed: 0, failed: 0, cancelled: 0 };
  let unreported = { completed: 0, failed: 0 };
  let unreportedPoints = emptyPointProgress();
  let inFlight = 0;
  let runsInFlight = 0;
  const due = () => unreported.completed + unreported.failed >= reportEvery;
  const report = async () => {
    if (unreported.completed + unreported.failed === 0) return;
    const delta = unreported;
    const points = unreportedPoints;
    unreported = { completed: 0, failed: 0 };
    unreportedPoints = emptyPointProgress();
    await parent.signal(runsFinishedSignal, { ...delta, running: runsInFlight, ...sender, ...(hasRuns(points) ? { points } : {}) });
  };
  const finished = (completed: number, failed: number) => {
    result.completed += completed;
    unreported.completed += completed;
    result.failed += failed;
    unreported.failed += failed;
  };

  let measuredMs = 0;
  let measuredRuns = 0;
  /** Runs in the next group from `start`: one until a group has reported its time per run, then GROUP_TARGET_MS' worth, capped so that every slot still gets a share of what is left. */
  const groupSize = (start: number): number => {
    if (!grouped || measuredRuns === 0) return 1;
    const byTime = Math.floor(GROUP_TARGET_MS / Math.max(1, measuredMs / measuredRuns));
    const share = Math.ceil((shareEnd - start) / (2 * sweep.maxConcurrent));
    return Math.max(1, Math.min(byTime, share));
  };

  const runRange = async (start: number, end: number): Promise<void> => {
    try {
      const args: [GroupInput] = [{ sweep, from: start, to: end }];
      const r = detailed ? await group.executeWithOptions({ summary: runRangeSummary(sweep.plan, start, end) }, args) : await group(...args);
      finished(r.completed, r.failed);
      if (detailed && r.points) mergePointProgress(unreportedPoints, r.points);
      measuredMs += r.msPerRun * r.ran;
      measuredRuns += r.ran;
    } catch (err) {
      const cancelledMeanwhile = CancellationScope.current().consideredCancelled && patched(FAILED_AFTER_CANCEL_PATCH);
      if (!isCancellation(err) && !cancelledMeanwhile) throw err;
      // Runs of the group that committed before the cancel are counted from disk by finalizeSweep.
      result.cancelled += end - start;
    }
  };

  const runSingle = async (index: number): Promise<void> => {
    const input = runInputOf(sweep, index);
    let summary: RunSummary;
    try {
      summary = await runSimulation(input);
    } catch (err) {
      if (isCancellation(err)) {
        result.cancelled++;
        return;
      }
      const message = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
      summary = { runIndex: index, status: 'failed', attempts: RUN_ATTEMPTS, resumedFromMs: 0, spikesSha256: null, error: message };
      // Recorded even if the batch is being cancelled: the sweep's results must say why.
      await CancellationScope.nonCancellable(() => recordRunOutcome({ sweepId: sweep.sweepId, output: sweep.output, summary, values: input.values, seed: input.seed }));
    }
    if (summary.status === 'completed') finished(1, 0);
    else finished(0, 1);
  };

  let next = from;
  const work: Promise<void>[] = [];
  let cancelled = false;
  try {
    while (next < to) {
      await condition(() => inFlight < (slots ? slots.held() : sweep.maxConcurrent));
      const start = next;
      const end = Math.min(to, start + groupSize(start));
      next = end;
      inFlight++;
      runsInFlight += end - start;
      const running = grouped ? runRange(start, end) : runSingle(start);
      const settled = running.finally(() => { inFlight--; runsInFlight -= end - start; });
      // Reported once the group's runs no longer count as running; not lost to a cancel arriving meanwhile.
      work.push(detailed ? settled.then(() => (due() ? CancellationScope.nonCancellable(report) : undefined)) : settled);
      if (due()) await report();
    }
    await slots?.drain(() => inFlight);
    await Promise.all(work);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    cancelled = true;
    await CancellationScope.nonCancellable(() => Promise.allSettled(work));
    result.cancelled += to - next;
  }
  await CancellationScope.nonCancellable(report);
  // Last, so that slots handed to this batch while it reported still go on.
  if (slots && !cancelled) await slots.handedOn();
  return result;
}
