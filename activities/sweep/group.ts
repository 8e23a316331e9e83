// The group activity: the runs [from, to) of a sweep in this worker's runner processes (the
// compiled kernel and the Parquet writer threads stay warm from run to run) — one after another,
// or on the cuda backend as batches of copies run as one simulation (gpu-batches.ts). Each run
// commits on its own (run.ts); a retried group skips its committed runs and resumes the
// interrupted one from the checkpoint its last heartbeat named. It reports the wall time per run,
// from which the batch workflow sizes the next groups, and its runs by parameter point with their
// mean rates, from which the sweep's live details in the Web UI are drawn.
import { Context } from '@temporalio/activity';
import type { GroupInput, GroupResult, RunHeartbeat, RunInput } from '../../workflows/contract.js';
import { runCoordinates } from '../../workflows/plan/expand.js';
import { addRun, emptyPointProgress } from '../../workflows/point-progress.js';
import { runInputOf } from '../../workflows/run-input.js';
import { runInBatches } from './gpu-batches.js';
import { runOne, type RunSettings, type RunVerdict } from './run.js';

export function createGroupActivity(settings: RunSettings) {
  return async function runGroup({ sweep, from, to }: GroupInput): Promise<GroupResult> {
    const ctx = Context.current();
    const previous = ctx.info.heartbeatDetails as RunHeartbeat | undefined;
    const points = emptyPointProgress();
    const result: GroupResult = { completed: 0, failed: 0, ran: 0, msPerRun: 0, points };
    const started = performance.now();
    const inputs = Array.from({ length: to - from }, (_, k) => runInputOf(sweep, from + k));
    const judged = (input: RunInput, { record, ran }: RunVerdict) => {
      const status = record.status === 'completed' ? 'completed' : 'failed';
      result[status]++;
      const rates = Object.fromEntries(Object.entries(record.report?.populations ?? {}).map(([population, p]) => [population, p.meanRateHz]));
      addRun(points, runCoordinates(sweep.plan, input.runIndex).point, status, rates);
      if (ran) result.ran++;
      // Runs shorter than the heartbeat interval would otherwise never heartbeat (throttled by the SDK).
      ctx.heartbeat({ runIndex: input.runIndex + 1, stepsDone: 0, totalSteps: 0, checkpointDir: null, checkpointStep: 0 } satisfies RunHeartbeat);
    };
    if (sweep.backend === 'cuda') await runInBatches(inputs, settings, previous, judged);
    else {
      for (const input of inputs) {
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        judged(input, await runOne(input, settings, previous?.runIndex === input.runIndex ? previous : undefined));
      }
    }
    result.msPerRun = result.ran ? (performance.now() - started) / result.ran : 0;
    return result;
  };
}
