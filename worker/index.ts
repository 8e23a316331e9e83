// Worker bootstrap: task queues, concurrency, telemetry, graceful shutdown.
export { createWorker, defaultWorkflowsPath, workerSettings, type ActivitiesFactory, type ActivityObject, type CreateWorkerOptions } from './create-worker.js';
export { runWorker, type RunWorkerOptions } from './run.js';
export { installRuntime, installedRuntime, LONG_RUN_BUCKETS_MS, LONG_RUN_HISTOGRAMS, type RuntimeSettings } from './runtime.js';
export { pinoSdkLogger } from './logger.js';
export { DEFAULT_SHUTDOWN_GRACE_MS, WORKER_ENV, defaultConcurrency, taskQueueOf, type WorkerSettings } from './settings.js';
