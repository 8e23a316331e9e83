// A runner process: runs the simulations a sweep worker hands it, one at a time, in-process
// (compiled kernels and Parquet writer threads stay warm between runs). A native crash kills only
// this process and its current run; the worker starts another. It exits when the worker is gone.
import pino from 'pino';
import { classifyRunError, resumeRun, runBatchSettled, runNetwork, warmParquetWriters } from '../../engine/index.js';
import { applyParameters } from '../../network/spec/paths.js';
import { networkOf } from './network.js';
import type { BatchJob, BatchReply, RunJob, RunnerReply } from './runner-protocol.js';

const logger = pino({ level: process.env.SPIKESWEEP_LOG_LEVEL ?? 'warn' }, pino.destination(2));
// A committed run's folder is deleted (run.ts), so a checkpoint at its last step would only be written to go.
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
    const report = job.kind === 'resume'
      ? await resumeRun({ outDir: job.outDir, durationMs: job.durationMs, finalCheckpoint, compile, logger })
      : await runNetwork({
        spec: applyParameters(await networkOf(job.network), job.params), protocol: job.protocol, seed: job.seed, threads: job.threads, backend: job.backend, cudaMode: job.cudaMode, durationMs: job.durationMs,
        checkpointEveryMs: job.checkpointEveryMs, finalCheckpoint, outDir: job.outDir, runId: job.runId, compile, logger,
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

// The first run's spike writer finds its thread and DuckDB instance started.
warmParquetWriters(1);

process.on('message', (job: RunJob | BatchJob) => {
  void (job.kind === 'batch' ? executeBatch(job) : execute(job)).then((reply) => process.send!(reply));
});
process.on('disconnect', () => process.exit(0));
