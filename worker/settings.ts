// What a spikesweep worker is configured with, and the one table of its flags and environment
// variables (the CLI, the container images and the Kubernetes manifests all read this).
import { availableParallelism } from 'node:os';
import { TASK_QUEUES, type QueueKind } from '../workflows/contract.js';

/**
 * What the activities factory receives: `createActivities(settings: WorkerSettings)` in
 * activities/index.ts. `threads` is the OpenMP thread count of each simulation this worker runs;
 * `concurrency` how many run at once (so a run may use `threads` cores of `concurrency × threads`).
 */
export interface WorkerSettings {
  queue: QueueKind;
  /** The Temporal task queue polled: TASK_QUEUES[queue]. */
  taskQueue: string;
  concurrency: number;
  threads: number;
  namespace: string;
  /** How long in-flight activities get after SIGTERM before they are cancelled. */
  shutdownGraceTimeMs: number;
}

/** Flag ↔ environment variable of `spikesweep worker` (flags win). */
export const WORKER_ENV = {
  queue: 'SPIKESWEEP_QUEUE',
  concurrency: 'SPIKESWEEP_CONCURRENCY',
  threads: 'SPIKESWEEP_THREADS',
  metrics: 'SPIKESWEEP_METRICS_ADDRESS',
  shutdownGrace: 'SPIKESWEEP_SHUTDOWN_GRACE_MS',
} as const;

export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;

export function taskQueueOf(queue: QueueKind): string {
  return TASK_QUEUES[queue];
}

/** One run per GPU; on CPU as many runs as fit `threads` each on the available cores. */
export function defaultConcurrency(queue: QueueKind, threads: number): number {
  return queue === 'gpu' ? 1 : Math.max(1, Math.floor(availableParallelism() / Math.max(1, threads)));
}
