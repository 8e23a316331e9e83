// A runner process: runs the simulations a sweep worker hands it, one at a time, in-process
// (compiled kernels and Parquet writer threads stay warm between runs). A native crash kills only
// this process and its current run; the worker starts another. It exits when the worker is gone.
import pino from 'pino';
import { classifyRunError, resumeRun, runNetwork, warmParquetWriters } from '../../engine/index.js';
import { applyParameters } from '../../network/spec/paths.js';
import { networkOf } from './network.js';
import type { RunJob, RunnerReply } from './runner-protocol.js';

const logger = pino({ level: process.env.SPIKESWEEP_LOG_LEVEL ?? 'warn' }, pino.destination(2));

async function execute(job: RunJob): Promise<RunnerReply> {
  // Job-scoped environment (the test-only native fault hook reads it).
  Object.assign(process.env, job.env);
  try {
    const compile = { directory: job.cacheDir ?? undefined };
    // A committed run's folder is deleted (run.ts), so a checkpoint at its last step would only be written to go.
    const finalCheckpoint = false;
    const report = job.kind === 'resume'
      ? await resumeRun({ outDir: job.outDir, durationMs: job.durationMs, finalCheckpoint, compile, logger })
      : await runNetwork({
        spec: applyParameters(await networkOf(job.network), job.params), protocol: job.protocol, seed: job.seed, threads: job.threads, backend: job.backend, cudaMode: job.cudaMode, durationMs: job.durationMs,
        checkpointEveryMs: job.checkpointEveryMs, finalCheckpoint, outDir: job.outDir, runId: job.runId, compile, logger,
      });
    return { kind: 'done', report };
  } catch (error) {
    const { kind, message, exitCode } = classifyRunError(error);
    return { kind: 'failed', error: { kind, message, exitCode } };
  } finally {
    for (const key of Object.keys(job.env)) delete process.env[key];
  }
}

// The first run's spike writer finds its thread and DuckDB instance started.
warmParquetWriters(1);

process.on('message', (job: RunJob) => {
  void execute(job).then((reply) => process.send!(reply));
});
process.on('disconnect', () => process.exit(0));
