// Runs one simulation in a child process — the `spikesweep run` command itself — so a native
// crash fails that attempt, not the worker. While it runs: heartbeats carrying the latest
// committed checkpoint, cancellation (the child is stopped within a second).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { packageRoot } from '../../network/compiler/paths.js';
import type { RunHeartbeat } from '../../workflows/contract.js';

const HEARTBEAT_MS = 500;
const KILL_GRACE_MS = 1000;

export interface ChildRun {
  args: string[];
  outDir: string;
  totalSteps: number;
  env: NodeJS.ProcessEnv;
}

export interface RunReportJson {
  spikesSha256: string;
  simulatedMs: number;
  timings: Record<string, number>;
  populations: Record<string, { size: number; spikes: number | null; meanRateHz: number | null }>;
  resumedFromMs?: number;
}

async function checkpointOf(outDir: string): Promise<{ step: number } | null> {
  try {
    const progress = JSON.parse(await readFile(join(outDir, 'progress.json'), 'utf8'));
    return { step: Number(progress.step ?? progress.checkpoint?.step ?? 0) };
  } catch {
    return null;
  }
}

export async function runChild(run: ChildRun): Promise<RunReportJson> {
  const ctx = Context.current();
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'spikesweep.js'), ...run.args], {
    env: run.env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-8000)));

  const beat = setInterval(async () => {
    const checkpoint = await checkpointOf(run.outDir);
    const details: RunHeartbeat = { stepsDone: checkpoint?.step ?? 0, totalSteps: run.totalSteps, checkpointDir: checkpoint ? run.outDir : null, checkpointStep: checkpoint?.step ?? 0 };
    ctx.heartbeat(details);
  }, HEARTBEAT_MS);
  const stop = () => {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
  };
  ctx.cancellationSignal.addEventListener('abort', stop, { once: true });

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearInterval(beat);
  ctx.cancellationSignal.removeEventListener('abort', stop);
  if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('cancelled');

  const last = stdout.trim().split('\n').pop() ?? '';
  let parsed: { error?: { kind: string; message: string } } & Partial<RunReportJson> = {};
  try { parsed = JSON.parse(last); } catch { /* a crash prints no report */ }
  if (code === 0 && parsed.spikesSha256) return parsed as RunReportJson;
  if (code === 2) throw ApplicationFailure.nonRetryable(parsed.error?.message ?? stderr.trim(), 'InvalidRunInput');
  const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
  throw ApplicationFailure.retryable(`the simulation process ${how}: ${parsed.error?.message ?? stderr.trim().split('\n').slice(-3).join(' | ')}`, 'SimulationCrashed');
}
