// A runner process: runs the simulations a sweep worker hands it, one at a time, in-process
// (compiled kernels and Parquet writer threads stay warm between runs). A group's runs it also
// prepares and commits itself (run.ts), so a tiny run costs the worker two small messages, not
// its file work and a round trip. A native crash kills only this process and its current run; the
// worker starts another. It exits when the worker is gone.
import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { classifyRunError, resumeRun, runBatchSettled, runNetwork, warmParquetWriters } from '../../engine/index.js';
import { applyParameters } from '../../network/spec/paths.js';
import { stepsOf } from '../../network/spec/steps.js';
import { networkOf, sharedStructure } from './network.js';
import { prepareRun, settleRun } from './run.js';
import { outcomeOf, type BatchJob, type BatchReply, type GroupEnd, type GroupEvent, type GroupJob, type RunJob, type RunnerReply } from './runner-protocol.js';

const logger = pino({ level: process.env.SPIKESWEEP_LOG_LEVEL ?? 'warn' }, pino.destination(2));
// A committed run's checkpoints are deleted (run.ts), so a checkpoint at its last step would only be written to go.
const finalCheckpoint = false;

const failed = (error: unknown): RunnerReply => {
  const { kind, message, exitCode } = classifyRunError(error);
  return { kind: 'failed', error: { kind, message, exitCode } };
};

async function execute(job: RunJob): Promise<RunnerReply> {
  // Job-scoped environment (the test-only native fault hook reads it).
  Object.assign(process.env, job.env);
  try {
    const compile = { directory: job.cacheDir ?? undefined };
    if (job.kind === 'resume') return { kind: 'done', report: await resumeRun({ outDir: job.outDir, durationMs: job.durationMs, finalCheckpoint, compile, logger }) };
    const network = await networkOf(job.network);
    const report = await runNetwork({
      spec: applyParameters(network, job.params), protocol: job.protocol, seed: job.seed, threads: job.threads, backend: job.backend, cudaMode: job.cudaMode, durationMs: job.durationMs,
      checkpointEveryMs: job.checkpointEveryMs, finalCheckpoint, outDir: job.outDir, runId: job.runId, compile: { ...compile, ir: sharedStructure(network, job.params) }, logger,
    });
    return { kind: 'done', report };
  } catch (error) {
    return failed(error);
  } finally {
    for (const key of Object.keys(job.env)) delete process.env[key];
  }
}

// The runs of a batch share the network, the backend and its settings: the first run's. Their
// environments apply together (the native fault hook stops the one process all of them share).
async function executeBatch({ runs }: BatchJob): Promise<BatchReply> {
  const [first] = runs;
  const env = Object.assign({}, ...runs.map((r) => r.env)) as Record<string, string>;
  Object.assign(process.env, env);
  try {
    const network = await networkOf(first.network);
    // A run whose parameters do not apply fails alone, as bad input; the others run as the batch.
    const replies: (RunnerReply | null)[] = [];
    const copies = [];
    for (const run of runs) {
      try {
        copies.push({ spec: applyParameters(network, run.params), seed: run.seed, outDir: run.outDir, runId: run.runId });
        replies.push(null);
      } catch (error) {
        replies.push(failed(error));
      }
    }
    const settled = copies.length ? await runBatchSettled({
      copies, protocol: first.protocol, backend: first.backend, cudaMode: first.cudaMode, durationMs: first.durationMs, checkpointEveryMs: first.checkpointEveryMs,
      finalCheckpoint, compile: { directory: first.cacheDir ?? undefined }, logger,
    }) : [];
    return { kind: 'batch', replies: replies.map((reply) => {
      if (reply) return reply;
      const s = settled.shift()!;
      return s.status === 'fulfilled' ? { kind: 'done', report: s.value } : failed(s.reason);
    }) };
  } catch (error) {
    return { kind: 'batch', replies: runs.map(() => failed(error)) };
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
  }
}

const tell = (event: GroupEvent): void => {
  process.send!(event);
};

/**
 * A group's runs in order, each prepared, run and settled here; stops at a run's retryable
 * failure. A completed run commits (renames, fsyncs, summary.json) while the next one runs: its
 * file work waits on the disk, not on the CPU. Failures settle before the next run starts, so a
 * retryable one stops the group with no run begun after it.
 */
async function executeGroup({ inputs, settings, previous }: GroupJob): Promise<GroupEnd> {
  let committing: Promise<void> = Promise.resolve();
  try {
    for (const input of inputs) {
      const run = await prepareRun(input, settings, previous?.runIndex === input.runIndex ? previous : undefined);
      if ('record' in run) {
        tell({ kind: 'judged', ...run });
        continue;
      }
      tell({ kind: 'started', runIndex: input.runIndex, outDir: run.job.outDir, totalSteps: stepsOf(input.durationMs, run.dt), budget: run.budget });
      const outcome = outcomeOf(await execute(run.job));
      await committing;
      if (outcome.kind !== 'done') {
        tell({ kind: 'judged', ...(await settleRun(run, outcome)) });
        continue;
      }
      committing = settleRun(run, outcome).then((verdict) => tell({ kind: 'judged', ...verdict }));
      // Awaited at the next run's end; a rejection meanwhile is not unhandled.
      committing.catch(() => undefined);
    }
    await committing;
    return { kind: 'group-done' };
  } catch (error) {
    if (error instanceof ApplicationFailure) return { kind: 'retry', message: error.message, type: error.type ?? 'RunFailed' };
    return { kind: 'group-error', message: error instanceof Error ? error.message : String(error) };
  }
}

const executeJob = (job: RunJob | BatchJob | GroupJob): Promise<RunnerReply | BatchReply | GroupEnd> =>
  job.kind === 'batch' ? executeBatch(job) : job.kind === 'group' ? executeGroup(job) : execute(job);

// The first run's spike writer finds its thread and DuckDB instance started.
warmParquetWriters(1);

process.on('message', (job: RunJob | BatchJob | GroupJob) => {
  void executeJob(job).then((reply) => process.send!(reply));
});
process.on('disconnect', () => process.exit(0));
