// The group activity: the runs [from, to) of a sweep in this worker's runner processes — handed
// to a runner as one job that prepares, runs and commits them one after another there (the
// compiled kernel and the Parquet writer threads stay warm), or on the cuda backend run as batches
// of copies in one simulation (gpu-batches.ts). Each run commits on its own (run.ts); a retried
// group skips its committed runs and resumes the interrupted one from the checkpoint its last
// heartbeat named. It reports the wall time per run (kernel compiles left out), from which the
// batch workflow sizes the next groups, and its runs by parameter point with their mean rates,
// from which the sweep's live details in the Web UI are drawn. The single-run activity of older
// histories is a group of one.
import { Context } from '@temporalio/activity';
import type { GroupInput, GroupResult, RunHeartbeat, RunInput, RunSummary } from '../../workflows/contract.js';
import { runCoordinates } from '../../workflows/plan/expand.js';
import { addRun, emptyPointProgress } from '../../workflows/point-progress.js';
import { runInputOf } from '../../workflows/run-input.js';
import type { RunRecord } from '../../results/index.js';
import { runInBatches } from './gpu-batches.js';
import type { RunVerdict } from './run.js';
import type { RunSettings } from './runner-protocol.js';
import { HEARTBEAT_MS, heartbeatBetweenRuns, runGroupSupervised } from './supervise.js';

export function createGroupActivity(settings: RunSettings) {
  return async function runGroup({ sweep, from, to }: GroupInput): Promise<GroupResult> {
    const ctx = Context.current();
    const previous = ctx.info.heartbeatDetails as RunHeartbeat | undefined;
    const points = emptyPointProgress();
    const result: GroupResult = { completed: 0, failed: 0, ran: 0, msPerRun: 0, points };
    const started = performance.now();
    // A kernel compile is paid once per structure: counted in, it would shrink the next groups to single runs.
    let compileMs = 0;
    const inputs = Array.from({ length: to - from }, (_, k) => runInputOf(sweep, from + k));
    let beaten = -Infinity;
    const judged = (input: RunInput, { record, ran }: RunVerdict) => {
      const status = record.status === 'completed' ? 'completed' : 'failed';
      result[status]++;
      const rates = Object.fromEntries(Object.entries(record.report?.populations ?? {}).map(([population, p]) => [population, p.meanRateHz]));
      addRun(points, runCoordinates(sweep.plan, input.runIndex).point, status, rates);
      if (ran) {
        result.ran++;
        compileMs += (record.report?.timings.codegen ?? 0) + (record.report?.timings.compile ?? 0);
      }
      // Batches shorter than the heartbeat interval would otherwise never heartbeat; no more often
      // than it, since each heartbeat costs the worker a payload encoding and a call into the SDK's
      // core (a third of its CPU per tiny run when every run beat).
      if (performance.now() - beaten >= HEARTBEAT_MS) {
        beaten = performance.now();
        ctx.heartbeat(heartbeatBetweenRuns(input.runIndex + 1, previous));
      }
    };
    await (sweep.backend === 'cuda' ? runInBatches : runGroupSupervised)(inputs, settings, previous, judged);
    result.msPerRun = result.ran ? Math.max(0, performance.now() - started - compileMs) / result.ran : 0;
    return result;
  };
}

const summaryOf = ({ runIndex, status, attempts, resumedFromMs, spikesSha256, error }: RunRecord): RunSummary =>
  ({ runIndex, status, attempts, resumedFromMs, spikesSha256, error });

/** The single-run activity that batch workflows recorded before run groups schedule (tests/fixtures/histories). */
export function createRunActivity(settings: RunSettings) {
  return async function runSimulation(input: RunInput): Promise<RunSummary> {
    let summary: RunSummary | undefined;
    await runGroupSupervised([input], settings, Context.current().info.heartbeatDetails as RunHeartbeat | undefined, (_, { record }) => (summary = summaryOf(record)));
    return summary!;
  };
}
