// The run activity: one run of a sweep, idempotent and resumable. A committed run returns its
// recorded summary; an attempt after a failure resumes from the checkpoint its predecessor
// heartbeated; outputs reach the dataset by rename only after the run finished.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { BACKEND_NAMES, backendFor, DEFAULT_BACKEND, isBackendName } from '../../backends/index.js';
import { applyParameters } from '../../network/spec/paths.js';
import type { RunHeartbeat, RunInput, RunSummary } from '../../workflows/contract.js';
import { runSupervised } from './supervise.js';
import type { RunJob } from './runner-protocol.js';
import type { Phase } from '../../network/experiment/index.js';
import { runPaths, type RunPaths, type RunRecord } from '../../results/index.js';
import { readRecord, writeRecord } from './summary.js';

export interface RunSettings {
  /** Threads per simulation (overrides the sweep's when set). */
  threads: number | null;
  /** Compiled kernel cache shared by the worker's runs. */
  cacheDir: string | null;
}

const summaryOf = ({ runIndex, status, attempts, resumedFromMs, spikesSha256, error }: RunRecord): RunSummary =>
  ({ runIndex, status, attempts, resumedFromMs, spikesSha256, error });

// Test-only fault hook: SPIKESWEEP_FAULT_RUN=<index>[:<step>] makes that run's native code crash.
function faultEnv(runIndex: number): Record<string, string> {
  const [run, step = '100'] = (process.env.SPIKESWEEP_FAULT_RUN ?? '').split(':');
  return run !== '' && Number(run) === runIndex ? { SPIKESWEEP_FAULT_CRASH_STEP: step } : {};
}

async function commit(paths: RunPaths, outDir: string): Promise<void> {
  for (const [from, to] of [[join(outDir, 'spikes'), paths.spikes], [join(outDir, 'state'), paths.state], [join(outDir, 'manifest.json'), join(paths.runDir, 'manifest.json')]]) {
    if (!existsSync(from)) continue;
    await rm(to, { recursive: true, force: true });
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
  }
}

export function createRunActivity(settings: RunSettings) {
  return async function runSimulation(input: RunInput): Promise<RunSummary> {
    const started = performance.now();
    const { info } = Context.current();
    const paths = runPaths(input.output, input.sweepId, input.runIndex);
    const committed = await readRecord(paths.summary);
    if (committed) return summaryOf(committed);

    const dt = input.network.dt;
    const totalSteps = Math.round(input.durationMs / dt);
    const outDir = join(paths.work, 'out');
    const previous = info.heartbeatDetails as RunHeartbeat | undefined;
    const resume = !!previous?.checkpointDir && existsSync(join(outDir, 'progress.json'));
    const backend = input.backend ?? DEFAULT_BACKEND;
    if (!isBackendName(backend))
      throw ApplicationFailure.nonRetryable(`this worker has no ${backend} backend (it has ${BACKEND_NAMES.join(', ')})`, 'InvalidRunInput');
    // Spikes do not depend on the thread count, so a one-thread backend may run a many-thread worker's runs.
    const threads = Math.min(settings.threads ?? input.threads, backendFor(backend).maxThreads);
    const common = { cacheDir: settings.cacheDir, env: faultEnv(input.runIndex) };
    let job: RunJob;
    if (resume) {
      job = { kind: 'resume', outDir, durationMs: input.durationMs, ...common };
    } else {
      let spec;
      try {
        spec = applyParameters(input.network, input.params);
      } catch (e) {
        throw ApplicationFailure.nonRetryable((e as Error).message, 'InvalidRunInput');
      }
      await rm(paths.work, { recursive: true, force: true });
      await mkdir(paths.work, { recursive: true });
      job = {
        kind: 'run', spec, protocol: input.protocol as Phase[] | null, seed: input.seed, threads, backend, durationMs: input.durationMs,
        checkpointEveryMs: input.checkpointEveryMs, outDir, runId: `run-${input.runIndex}`, ...common,
      };
    }
    const report = await runSupervised(job, totalSteps);
    await commit(paths, outDir);
    const record: RunRecord = {
      runIndex: input.runIndex, status: 'completed', attempts: info.attempt,
      resumedFromMs: resume ? (previous?.checkpointStep ?? 0) * dt : 0,
      spikesSha256: report.spikesSha256, error: null, values: input.values, seed: input.seed, backend: report.backend,
      report: { timings: { ...report.timings }, populations: report.populations, simulatedMs: report.simulatedMs },
      attemptMs: performance.now() - started,
    };
    await writeRecord(paths.summary, record);
    await rm(paths.work, { recursive: true, force: true });
    return summaryOf(record);
  };
}

export function createRecordOutcomeActivity() {
  return async function recordRunOutcome(args: { sweepId: string; output: string; summary: RunSummary; values: Record<string, number>; seed: number }): Promise<void> {
    const paths = runPaths(args.output, args.sweepId, args.summary.runIndex);
    if (await readRecord(paths.summary)) return;
    await writeRecord(paths.summary, { ...args.summary, values: args.values, seed: args.seed, report: null });
  };
}
