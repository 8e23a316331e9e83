// Supervises one run in a runner process: heartbeats carrying the latest committed checkpoint
// while it runs, cancellation (the process is killed at once), and the mapping of outcomes to
// Temporal failures — bad input is not retried, a crash or other failure is.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { RunReport } from '../../engine/index.js';
import type { RunHeartbeat } from '../../workflows/contract.js';
import { RunnerCrashed, runInRunner } from './runner-pool.js';
import type { RunJob } from './runner-protocol.js';

const HEARTBEAT_MS = 250;

async function checkpointStep(outDir: string): Promise<number | null> {
  try {
    return Number(JSON.parse(await readFile(join(outDir, 'progress.json'), 'utf8')).step);
  } catch {
    return null;
  }
}

export async function runSupervised(job: RunJob, totalSteps: number): Promise<RunReport> {
  const ctx = Context.current();
  const beat = setInterval(async () => {
    const step = await checkpointStep(job.outDir);
    const details: RunHeartbeat = { stepsDone: step ?? 0, totalSteps, checkpointDir: step === null ? null : job.outDir, checkpointStep: step ?? 0 };
    ctx.heartbeat(details);
  }, HEARTBEAT_MS);
  try {
    const reply = await runInRunner(job, ctx.cancellationSignal);
    if (reply.kind === 'done') return reply.report;
    if (reply.error.exitCode === 2) throw ApplicationFailure.nonRetryable(reply.error.message, 'InvalidRunInput');
    throw ApplicationFailure.retryable(reply.error.message, 'RunFailed');
  } catch (error) {
    if (error instanceof RunnerCrashed) throw ApplicationFailure.retryable(error.message, 'SimulationCrashed');
    throw error;
  } finally {
    clearInterval(beat);
  }
}
