// SweepWorkflow: a parameter × seed sweep. Runs are expanded deterministically from the plan
// (never listed in history), executed by RunBatchWorkflow children of BATCH_RUNS runs each, and the
// sweep continues as new when its history grows, so any number of runs fits the history limits.
// Batches overlap: when one has dispatched its last group the next starts, and the slots of
// maxConcurrent move from the draining batch to it as its groups finish (workflows/batch-slots.ts),
// so the slots stay busy across batch boundaries. At the end (completed or cancelled) an activity
// writes runs.parquet and the sweep manifest. Its current details in the Web UI are a live table
// of progress per parameter point (workflows/progress-details.ts), from what the batches report.
import {
  CancellationScope, ContinueAsNew, condition, continueAsNew, executeChild, isCancellation, patched, proxyActivities, setCurrentDetails, setHandler, sleep,
  startChild, upsertSearchAttributes, workflowInfo, type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/index.js';
import {
  batchDrainingSignal, cancelSignal, cancelUpdate, progressQuery, runsFinishedSignal, searchAttributes, successorSignal, type PointProgress, type SweepInput, type SweepProgress,
} from './contract.js';
import { runCount } from './plan/expand.js';
import { emptyPointProgress, hasRuns, mergePointProgress } from './point-progress.js';
import { progressDetails } from './progress-details.js';
import { RunBatchWorkflow } from './run-batch.js';

/** Runs per child workflow: ~4 events each keeps a batch's history far below 10k events. */
export const BATCH_RUNS = 500;
/** How long cancelled runs may take to stop: their heartbeat timeout (1.5 s) plus a margin. */
const RUNS_STOP_WITHIN = '3 seconds';
/**
 * Sweeps started from here on publish their counts as each report arrives and `finalizing` while
 * finalizeSweep writes the dataset (so `status` is true without a worker); histories recorded
 * before it did neither, and replay without these commands.
 */
const LIVE_SEARCH_ATTRIBUTES = 'live-search-attributes';
/**
 * Sweeps started from here on overlap their batches; histories recorded before ran one batch at a
 * time (executeChild, batches without a slot share) and replay that way.
 */
const OVERLAPPING_BATCHES = 'overlapping-batches';

const { finalizeSweep } = proxyActivities<SweepActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
});

/** Carried across continue-as-new. */
export interface SweepCarry {
  nextRun: number;
  completed: number;
  failed: number;
  /** Finished runs by parameter point; absent when no batch reported them (before the batches' `run-details` patch). */
  points?: PointProgress;
}

export interface SweepResult extends SweepProgress {
  output: string;
  runsParquet: string;
}

export async function SweepWorkflow(input: SweepInput, carry: SweepCarry = { nextRun: 0, completed: 0, failed: 0 }): Promise<SweepResult> {
  const overlapping = patched(OVERLAPPING_BATCHES);
  const total = runCount(input.plan);
  /** The first run not yet given to a batch (overlapping) or not yet finished by one (one batch at a time); equal at continue-as-new. */
  let { nextRun, completed, failed } = carry;
  const points = carry.points ?? emptyPointProgress();
  // Only what was reported goes on: a sweep whose batches report no points continues as new with the input it always had.
  const carried = (): SweepCarry => ({ nextRun, completed, failed, ...(hasRuns(points) ? { points } : {}) });
  /** Runs in flight as each batch last reported them ('': a batch that does not name itself, one at a time). */
  const runningBy = new Map<string, number>();
  const running = () => [...runningBy.values()].reduce((sum, n) => sum + n, 0);
  let status: SweepProgress['status'] = 'running';
  const progress = (): SweepProgress => ({ sweepId: input.sweepId, status, total, completed, failed, running: running() });
  // Not a command: the Web UI reads the details with the workflow metadata query.
  const showDetails = () => setCurrentDetails(progressDetails(input.plan, progress(), points));
  showDetails();
  /** The details, and the search attributes that give the progress without a worker. */
  const publish = () => {
    showDetails();
    upsertSearchAttributes([
      { key: searchAttributes.status, value: status },
      { key: searchAttributes.runsDone, value: completed },
      { key: searchAttributes.runsFailed, value: failed },
    ]);
  };

  const runs = new CancellationScope();
  let cancelRequested = false;
  const cancel = () => {
    // Once the runs are over there is nothing left to stop: the dataset is being written.
    if (status === 'finalizing') return;
    cancelRequested = true;
    status = 'cancelling';
    showDetails();
    runs.cancel();
  };
  setHandler(progressQuery, progress);
  setHandler(runsFinishedSignal, (delta) => {
    completed += delta.completed;
    failed += delta.failed;
    runningBy.set(delta.batch ?? '', delta.running);
    if (delta.points) mergePointProgress(points, delta.points);
    if (patched(LIVE_SEARCH_ATTRIBUTES)) publish();
    else showDetails();
  });
  /** The batch that has just dispatched its last group and the slots it gave back (one at a time: only the newest batch dispatches). */
  let drained: { batch: string; slots: number } | null = null;
  setHandler(batchDrainingSignal, (declared) => { drained = declared; });
  setHandler(cancelSignal, cancel);
  setHandler(cancelUpdate, () => { cancel(); return progress(); });

  // Sweeps recorded before overlapping batches: one batch at a time.
  const oneAtATime = async () => {
    while (nextRun < total) {
      const to = Math.min(total, nextRun + BATCH_RUNS);
      // Counts arrive by signal while the batch runs; its last signal precedes its completion.
      await executeChild(RunBatchWorkflow, {
        workflowId: `${input.sweepId}/runs-${nextRun}-${to}`,
        args: [{ sweep: input, from: nextRun, to, sweepWorkflowId: workflowInfo().workflowId }],
      });
      nextRun = to;
      runningBy.clear();
      publish();
      if (nextRun < total && workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof SweepWorkflow>(input, carried());
      }
    }
  };

  // The next batch starts as soon as the newest one has dispatched its last group, with the slots
  // that one gave back; the draining batches hand it the rest as their groups finish. Continue-as-new
  // waits for the batches alive to close: a child does not outlive the execution that started it,
  // and the drain it costs comes once per few thousand runs.
  const overlapped = async () => {
    const alive = new Map<string, { handle: ChildWorkflowHandle<typeof RunBatchWorkflow>; closed: Promise<void>; draining: boolean }>();
    let failure: unknown = null;
    /** Slots of maxConcurrent that no batch holds. */
    let free = 0;
    const startBatch = async (): Promise<string> => {
      const from = nextRun;
      const to = Math.min(total, from + BATCH_RUNS);
      const batch = `${input.sweepId}/runs-${from}-${to}`;
      const slots = free;
      free = 0;
      nextRun = to;
      const handle = await startChild(RunBatchWorkflow, { workflowId: batch, args: [{ sweep: input, from, to, sweepWorkflowId: workflowInfo().workflowId, slots }] });
      // Counts arrive by signal while the batch runs; its last signal precedes its completion.
      const closed = handle.result().then(() => undefined, (err: unknown) => {
        if (!isCancellation(err)) failure ??= err;
      }).finally(() => {
        alive.delete(batch);
        runningBy.delete(batch);
        publish();
      });
      alive.set(batch, { handle, closed, draining: false });
      return batch;
    };
    try {
      for (;;) {
        if (alive.size === 0) {
          // With no batch alive every slot is back.
          free = input.maxConcurrent;
          if (nextRun >= total) return;
          if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof SweepWorkflow>(input, carried());
          await startBatch();
        }
        await condition(() => failure !== null || drained !== null || alive.size === 0);
        if (failure !== null) throw failure;
        if (drained === null) continue;
        const { batch, slots } = drained;
        drained = null;
        free += slots;
        const draining = alive.get(batch);
        if (draining) draining.draining = true;
        const successor = nextRun < total && !workflowInfo().continueAsNewSuggested ? await startBatch() : null;
        for (const b of alive.values()) {
          // A batch that closed before this arrived needs no successor.
          if (b.draining) b.handle.signal(successorSignal, { batch: successor }).catch(() => undefined);
        }
      }
    } catch (err) {
      // Cancelled: the batches alive stop their runs and report; the sweep waits for all of them.
      if (isCancellation(err)) await CancellationScope.nonCancellable(() => Promise.all([...alive.values()].map((b) => b.closed)));
      throw err;
    }
  };

  try {
    await runs.run(overlapping ? overlapped : oneAtATime);
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (!isCancellation(err)) {
      status = 'failed';
      publish();
      throw err;
    }
  }
  if (cancelRequested) {
    // Cancelled runs learn of it on their next heartbeat (≤ 1.2 s) and stop; results are read
    // after that, so a run that committed meanwhile is reported as completed, not cancelled.
    await CancellationScope.nonCancellable(() => sleep(RUNS_STOP_WITHIN));
  }
  const final = cancelRequested ? 'cancelled' : 'completed';
  // `completed` and `cancelled` promise a written dataset: until finalizeSweep returns, the sweep is finalizing.
  status = 'finalizing';
  runningBy.clear();
  if (patched(LIVE_SEARCH_ATTRIBUTES)) publish();
  else showDetails();
  const outcome = await CancellationScope.nonCancellable(() =>
    finalizeSweep({ sweepId: input.sweepId, output: input.output, name: input.name, specHash: input.specHash, total, status: final, plan: input.plan, backend: input.backend }));
  // The committed runs on disk are the final word (a run may commit while a cancel is delivered).
  status = final;
  completed = outcome.completed;
  failed = outcome.failed;
  publish();
  return { ...progress(), output: `${input.output}/${input.sweepId}`, runsParquet: outcome.runsParquet };
}
