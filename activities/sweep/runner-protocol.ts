// Messages between a sweep worker and its runner processes (runner-child.ts). A run names its
// network (the runner reads the stored spec once per process) and its parameters, so a group's
// runs over a megabytes-large spec do not ship it to the runner one by one. A group is runs the
// runner prepares, runs and commits one after another itself (run.ts), telling the worker as each
// starts and is judged. A batch is fresh runs of one network structure on the cuda backend, run as
// one simulation (engine runBatch).
import type { BackendName } from '../../backends/index.js';
import type { Phase } from '../../network/experiment/index.js';
import type { ErrorKind, RunReport } from '../../engine/index.js';
import type { RunRecord } from '../../results/index.js';
import type { RunHeartbeat, RunInput } from '../../workflows/contract.js';
import type { RunBudget } from './budget.js';
import type { NetworkSource } from './network.js';

export type FreshRunJob = { kind: 'run'; network: NetworkSource; params: Record<string, number>; protocol: Phase[] | null; seed: number; threads: number; backend: BackendName; cudaMode?: 'fast'; durationMs: number; checkpointEveryMs: number; outDir: string; runId: string; cacheDir: string | null; env: Record<string, string> };

export type RunJob =
  | FreshRunJob
  | { kind: 'resume'; outDir: string; durationMs: number; cacheDir: string | null; env: Record<string, string> };

/** Fresh runs of one structure, on one backend with one duration, protocol and checkpoint interval. */
export interface BatchJob { kind: 'batch'; runs: FreshRunJob[] }

export interface RunSettings {
  /** Threads per simulation (overrides the sweep's when set). */
  threads: number | null;
  /** Compiled kernel cache shared by the worker's runs. */
  cacheDir: string | null;
}

/** Runs to prepare, run and commit in order; `previous` is the last heartbeat of an interrupted attempt at the group. */
export interface GroupJob { kind: 'group'; inputs: RunInput[]; settings: RunSettings; previous: RunHeartbeat | undefined }

/** A group's news while it goes: a run began its attempt (its budget already marked), or reached its verdict. */
export type GroupEvent =
  | { kind: 'started'; runIndex: number; outDir: string; totalSteps: number; budget: RunBudget }
  | { kind: 'judged'; record: RunRecord; ran: boolean };

/** How a group ended: every run judged, a run's failure to retry (the activity fails, Temporal retries it), or an unexpected error. */
export type GroupEnd =
  | { kind: 'group-done' }
  | { kind: 'retry'; message: string; type: string }
  | { kind: 'group-error'; message: string };

export type RunnerReply =
  | { kind: 'done'; report: RunReport }
  | { kind: 'failed'; error: { kind: ErrorKind; message: string; exitCode: number } };

/** A batch's reply: each run's, in order. */
export interface BatchReply { kind: 'batch'; replies: RunnerReply[] }

export type RunOutcome =
  | { kind: 'done'; report: RunReport }
  /** The run's input is bad: retrying cannot help. */
  | { kind: 'invalid'; message: string }
  /** The run failed by itself: an error, or its process crashed (SIGSEGV, SIGABRT, …). */
  | { kind: 'failed'; message: string }
  /** Its process was killed from outside: not the run's fault. */
  | { kind: 'lost'; message: string };

export const outcomeOf = (reply: RunnerReply): RunOutcome =>
  reply.kind === 'done' ? { kind: 'done', report: reply.report } : { kind: reply.error.exitCode === 2 ? 'invalid' : 'failed', message: reply.error.message };
