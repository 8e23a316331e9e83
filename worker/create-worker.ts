// A Temporal worker for one spikesweep task queue: the sweep workflows (bundled from
// workflows/index.ts) and the run activities, at most `concurrency` runs at a time.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Runtime, Worker, type NativeConnection } from '@temporalio/worker';
import type { QueueKind } from '../workflows/contract.js';
import { WORKFLOW_BUNDLE_IGNORE_MODULES } from '../workflows/plan/expand.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, taskQueueOf, type WorkerSettings } from './settings.js';
import { workflowBundle as cachedWorkflowBundle } from './workflow-bundle.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActivityObject = Record<string, (...args: any[]) => any>;
export type ActivitiesFactory = (settings: WorkerSettings) => ActivityObject | Promise<ActivityObject>;

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  queue: QueueKind;
  /** maxConcurrentActivityTaskExecutions: simulation runs at once. */
  concurrency: number;
  /** Threads per run, handed to the activities factory. */
  threads: number;
  /** The activities, or a factory that receives the WorkerSettings. */
  activities: ActivityObject | ActivitiesFactory;
  /** Workflows module to bundle (default: workflows/index.ts, or index.js when compiled); its bundle is cached (workflow-bundle.ts). */
  workflowsPath?: string;
  /** Time in-flight activities get to finish (and checkpoint) after shutdown; default 30 s. */
  shutdownGraceTimeMs?: number;
  /** Then the worker gives up waiting after this much more (default 15 s). */
  shutdownForceExtraMs?: number;
  identity?: string;
}

/** workflows/index.ts beside this module's folder (index.js in dist/). */
export function defaultWorkflowsPath(): string {
  for (const name of ['index.ts', 'index.js']) {
    const path = fileURLToPath(new URL(`../workflows/${name}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`no workflows module at ${fileURLToPath(new URL('../workflows/index.ts', import.meta.url))}`);
}

export function workerSettings(options: Pick<CreateWorkerOptions, 'queue' | 'concurrency' | 'threads' | 'namespace' | 'shutdownGraceTimeMs'>): WorkerSettings {
  for (const key of ['concurrency', 'threads'] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${options[key]}`);
  }
  return {
    queue: options.queue,
    taskQueue: taskQueueOf(options.queue),
    concurrency: options.concurrency,
    threads: options.threads,
    namespace: options.namespace,
    shutdownGraceTimeMs: options.shutdownGraceTimeMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
  };
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const settings = workerSettings(options);
  const activities = typeof options.activities === 'function' ? await options.activities(settings) : options.activities;
  const workflowBundle = await cachedWorkflowBundle(options.workflowsPath ?? defaultWorkflowsPath(), WORKFLOW_BUNDLE_IGNORE_MODULES, Runtime.instance().logger);
  return Worker.create({
    connection: options.connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    workflowBundle,
    activities,
    maxConcurrentActivityTaskExecutions: settings.concurrency,
    shutdownGraceTime: settings.shutdownGraceTimeMs,
    shutdownForceTime: settings.shutdownGraceTimeMs + (options.shutdownForceExtraMs ?? 15_000),
    ...(options.identity ? { identity: options.identity } : {}),
  });
}
