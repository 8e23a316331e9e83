// `spikesweep worker --queue cpu|gpu --concurrency n --threads n [--metrics host:port]
// [--shutdown-grace ms]`: a worker for sweep runs, connected through Temporal's standard
// environment configuration (TEMPORAL_ADDRESS, …; without it, the local dev server at
// 127.0.0.1:7233 that `spikesweep server` runs). SIGTERM/SIGINT drain it; a second one exits.
import { CommanderError } from 'commander';
import { DEFAULT_SHUTDOWN_GRACE_MS, WORKER_ENV, defaultConcurrency } from '../../worker/settings.js';
import { reportError } from '../errors.js';
import { createCliLogger } from '../logger.js';
import type { WorkerCliOptions } from '../options.js';
import { WORKER_OPTIONS } from '../options.js';
import { resolveConnection } from '../../sweeps/temporal/index.js';
import { cudaUnavailable } from '../../backends/cuda/toolchain.js';

/** Options from the flags, else from the environment variables of WORKER_ENV (parsed by the same parsers). */
export function workerOptionsFromEnv(options: WorkerCliOptions, env: NodeJS.ProcessEnv = process.env): WorkerCliOptions {
  const out: WorkerCliOptions = { ...options };
  const fill = <K extends keyof WorkerCliOptions>(key: K, envKey: string) => {
    const raw = env[envKey];
    if (out[key] !== undefined || raw === undefined || raw.trim() === '') return;
    try {
      out[key] = WORKER_OPTIONS[key].parse(raw) as WorkerCliOptions[K];
    } catch (error) {
      // A bad value is a usage error however it is given: exit 2, as for the flag.
      throw new CommanderError(2, 'spikesweep.workerEnv', `${envKey}: ${(error as Error).message}`);
    }
  };
  fill('queue', WORKER_ENV.queue);
  fill('concurrency', WORKER_ENV.concurrency);
  fill('threads', WORKER_ENV.threads);
  fill('metrics', WORKER_ENV.metrics);
  fill('shutdownGrace', WORKER_ENV.shutdownGrace);
  return out;
}

export async function workerCommand(cliOptions: WorkerCliOptions): Promise<number> {
  process.env.SPIKESWEEP_LOG_LEVEL ??= 'info';
  const logger = await createCliLogger();
  try {
    const options = workerOptionsFromEnv(cliOptions);
    const queue = options.queue ?? 'cpu';
    // A gpu worker that cannot run kernels would fail every run it took from the cluster's queue.
    const unavailable = queue === 'gpu' ? cudaUnavailable() : null;
    if (unavailable) throw new Error(`a gpu worker cannot start here: ${unavailable}`);
    const threads = options.threads ?? 1;
    const concurrency = options.concurrency ?? defaultConcurrency(queue, threads);
    const resolved = resolveConnection();
    const connectionOptions = resolved.configured ? resolved.connectionOptions : { ...resolved.connectionOptions, address: '127.0.0.1:7233' };
    if (!resolved.configured) logger.info('no TEMPORAL_ADDRESS or profile address: using the local dev server at 127.0.0.1:7233 (`spikesweep server`)');
    const { createActivities, closeRunners } = await import('../../activities/index.js');
    const { runWorker } = await import('../../worker/run.js');
    await runWorker({
      connectionOptions,
      namespace: resolved.namespace,
      queue,
      concurrency,
      threads,
      activities: createActivities,
      shutdownGraceTimeMs: options.shutdownGrace ?? DEFAULT_SHUTDOWN_GRACE_MS,
      metricsAddress: options.metrics ?? null,
      logger,
      onReady: (worker) => {
        const metrics = options.metrics ? `, metrics at http://${options.metrics}/metrics` : '';
        process.stderr.write(`spikesweep worker: polling ${worker.options.taskQueue} on ${connectionOptions.address} (namespace ${resolved.namespace}; ${concurrency} run(s) at once, ${threads} thread(s) each${metrics})\n`);
      },
    });
    closeRunners();
    return 0;
  } catch (error) {
    if (error instanceof Error && error.name === 'TransportError') {
      error.message = `cannot reach the Temporal server: ${error.message}\n(set TEMPORAL_ADDRESS or a temporal.toml profile, or start a local one with \`spikesweep server\`)`;
    }
    return reportError(error);
  }
}
