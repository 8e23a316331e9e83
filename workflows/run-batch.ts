// RunBatchWorkflow: runs a contiguous range of a sweep's runs with bounded concurrency (the batch
// sample's sliding window), reports finished runs to its sweep in chunks, and returns counts.
// Runs are identified by (sweep, index), so a retried or re-submitted batch never repeats a
// committed run: the run activity returns the committed result.
import { ActivityFailure, CancellationScope, condition, getExternalWorkflowHandle, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/index.js';
import { runsFinishedSignal, type RunSummary, type SweepInput } from './contract.js';
import { planRun } from './plan/expand.js';

export const MAX_ATTEMPTS = 3;
/** Report to the sweep after this many finished runs (or at the end): bounded signals per batch. */
const REPORT_EVERY = 25;

const { runSimulation } = proxyActivities<SweepActivities>({
  startToCloseTimeout: '24 hours',
  // Short: a dead worker is noticed in seconds, and cancellation reaches a run within ~2 s
  // (heartbeats are throttled to 0.8 × this timeout: every 1.2 s).
  heartbeatTimeout: '1500 milliseconds',
  retry: { maximumAttempts: MAX_ATTEMPTS, initialInterval: '1 second', nonRetryableErrorTypes: ['InvalidRunInput'] },
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
}

export interface BatchResult {
  completed: number;
  failed: number;
  cancelled: number;
}

export async function RunBatchWorkflow({ sweep, from, to, sweepWorkflowId }: BatchInput): Promise<BatchResult> {
  const parent = getExternalWorkflowHandle(sweepWorkflowId);
  const result: BatchResult = { completed: 0, failed: 0, cancelled: 0 };
  let unreported = { completed: 0, failed: 0 };
  let inFlight = 0;
  const report = async () => {
    if (unreported.completed + unreported.failed === 0) return;
    const delta = unreported;
    unreported = { completed: 0, failed: 0 };
    await parent.signal(runsFinishedSignal, { ...delta, running: inFlight });
  };

  const runOne = async (index: number): Promise<void> => {
    const planned = planRun(sweep.plan, index);
    let summary: RunSummary;
    try {
      summary = await runSimulation({
        sweepId: sweep.sweepId, output: sweep.output, runIndex: index, values: planned.values, params: planned.params, seed: planned.seed,
        network: sweep.network, protocol: sweep.protocol, durationMs: sweep.durationMs, threads: sweep.threads,
        checkpointEveryMs: sweep.checkpointEveryMs, backend: sweep.backend,
      });
    } catch (err) {
      if (isCancellation(err)) {
        result.cancelled++;
        return;
      }
      const message = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
      summary = { runIndex: index, status: 'failed', attempts: MAX_ATTEMPTS, resumedFromMs: 0, spikesSha256: null, error: message };
      // Recorded even if the batch is being cancelled: the sweep's results must say why.
      await CancellationScope.nonCancellable(() => recordRunOutcome({ sweepId: sweep.sweepId, output: sweep.output, summary, values: planned.values, seed: planned.seed }));
    }
    if (summary.status === 'completed') { result.completed++; unreported.completed++; } else { result.failed++; unreported.failed++; }
  };

  let next = from;
  const work: Promise<void>[] = [];
  try {
    while (next < to) {
      await condition(() => inFlight < sweep.maxConcurrent);
      const index = next++;
      inFlight++;
      work.push(runOne(index).finally(() => { inFlight--; }));
      if (unreported.completed + unreported.failed >= REPORT_EVERY) await report();
    }
    await Promise.all(work);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => Promise.allSettled(work));
    result.cancelled += to - next;
  }
  await CancellationScope.nonCancellable(report);
  return result;
}
