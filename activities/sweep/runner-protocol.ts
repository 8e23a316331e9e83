// Messages between a sweep worker and its runner processes (runner-child.ts). A run names its
// network (the runner reads the stored spec once per process) and its parameters, so a group's
// runs over a megabytes-large spec do not ship it to the runner one by one. A batch is fresh runs
// of one network structure on the cuda backend, run as one simulation (engine runBatch).
import type { BackendName } from '../../backends/index.js';
import type { Phase } from '../../network/experiment/index.js';
import type { ErrorKind, RunReport } from '../../engine/index.js';
import type { NetworkSource } from './network.js';

export type FreshRunJob = { kind: 'run'; network: NetworkSource; params: Record<string, number>; protocol: Phase[] | null; seed: number; threads: number; backend: BackendName; cudaMode?: 'fast'; durationMs: number; checkpointEveryMs: number; outDir: string; runId: string; cacheDir: string | null; env: Record<string, string> };

export type RunJob =
  | FreshRunJob
  | { kind: 'resume'; outDir: string; durationMs: number; cacheDir: string | null; env: Record<string, string> };

/** Fresh runs of one structure, on one backend with one duration, protocol and checkpoint interval. */
export interface BatchJob { kind: 'batch'; runs: FreshRunJob[] }

export type RunnerReply =
  | { kind: 'done'; report: RunReport }
  | { kind: 'failed'; error: { kind: ErrorKind; message: string; exitCode: number } };

/** A batch's reply: each run's, in order. */
export interface BatchReply { kind: 'batch'; replies: RunnerReply[] }
