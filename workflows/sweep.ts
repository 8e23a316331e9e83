// SweepWorkflow: a parameter × seed sweep. Runs are expanded deterministically from the plan
// (never listed in history), executed by RunBatchWorkflow children one range at a time, and the
// sweep continues as new when its history grows, so any number of runs fits the history limits.
// At the end (completed or cancelled) an activity writes runs.parquet and the sweep manifest.
import {
  CancellationScope, ContinueAsNew, continueAsNew, executeChild, isCancellation, patched, proxyActivities, setHandler, sleep,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/index.js';
import { cancelSignal, cancelUpdate, progressQuery, runsFinishedSignal, searchAttributes, type SweepInput, type SweepProgress } from './contract.js';
import { runCount } from './plan/expand.js';
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
}

export interface SweepResult extends SweepProgress {
  output: string;
  runsParquet: string;
}

export async function SweepWorkflow(input: SweepInput, carry: SweepCarry = { nextRun: 0, completed: 0, failed: 0 }): Promise<SweepResult> {
  const total = runCount(input.plan);
  let { nextRun, completed, failed } = carry;
  let running = 0;
  let status: SweepProgress['status'] = 'running';
  const progress = (): SweepProgress => ({ sweepId: input.sweepId, status, total, completed, failed, running });
  const publish = () => upsertSearchAttributes([
    { key: searchAttributes.status, value: status },
    { key: searchAttributes.runsDone, value: completed },
    { key: searchAttributes.runsFailed, value: failed },
  ]);

  const runs = new CancellationScope();
  let cancelRequested = false;
  const cancel = () => {
    // Once the runs are over there is nothing left to stop: the dataset is being written.
    if (status === 'finalizing') return;
    cancelRequested = true;
    status = 'cancelling';
    runs.cancel();
  };
  setHandler(progressQuery, progress);
  setHandler(runsFinishedSignal, (delta) => {
    completed += delta.completed;
    failed += delta.failed;
    running = delta.running;
    if (patched(LIVE_SEARCH_ATTRIBUTES)) publish();
  });
  setHandler(cancelSignal, cancel);
  setHandler(cancelUpdate, () => { cancel(); return progress(); });

  try {
    await runs.run(async () => {
      while (nextRun < total) {
        const to = Math.min(total, nextRun + BATCH_RUNS);
        // Counts arrive by signal while the batch runs; its last signal precedes its completion.
        await executeChild(RunBatchWorkflow, {
          workflowId: `${input.sweepId}/runs-${nextRun}-${to}`,
          args: [{ sweep: input, from: nextRun, to, sweepWorkflowId: workflowInfo().workflowId }],
        });
        nextRun = to;
        running = 0;
        publish();
        if (nextRun < total && workflowInfo().continueAsNewSuggested) {
          await continueAsNew<typeof SweepWorkflow>(input, { nextRun, completed, failed });
        }
      }
    });
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
  running = 0;
  if (patched(LIVE_SEARCH_ATTRIBUTES)) publish();
  const outcome = await CancellationScope.nonCancellable(() =>
    finalizeSweep({ sweepId: input.sweepId, output: input.output, name: input.name, specHash: input.specHash, total, status: final, plan: input.plan, backend: input.backend }));
  // The committed runs on disk are the final word (a run may commit while a cancel is delivered).
  status = final;
  completed = outcome.completed;
  failed = outcome.failed;
  publish();
  return { ...progress(), output: `${input.output}/${input.sweepId}`, runsParquet: outcome.runsParquet };
}
