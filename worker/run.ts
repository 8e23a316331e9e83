// A worker process from start to drained exit: runtime (pino logs, Prometheus metrics),
// connection, worker; the first SIGTERM/SIGINT drains it (in-flight runs get the grace time to
// checkpoint and finish), a second one exits at once.
import { NativeConnection, type NativeConnectionOptions, type Worker } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';
import { createWorker, type CreateWorkerOptions } from './create-worker.js';
import { installRuntime } from './runtime.js';

export interface RunWorkerOptions extends Omit<CreateWorkerOptions, 'connection'> {
  connectionOptions: NativeConnectionOptions;
  logger: PinoLogger;
  /** host:port of the Prometheus endpoint, or null. */
  metricsAddress: string | null;
  /** Signals that drain the worker (default SIGTERM, SIGINT). */
  signals?: NodeJS.Signals[];
  /** Called once the worker polls (e.g. to print where it listens). */
  onReady?: (worker: Worker) => void;
}

/** Resolves when the worker has shut down (after a signal, or if it fails). */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const { logger } = options;
  installRuntime({ logger, metricsAddress: options.metricsAddress });
  const connection = await NativeConnection.connect(options.connectionOptions);
  try {
    const worker = await createWorker({ ...options, connection });
    let signalled = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signalled += 1;
      if (signalled === 1) {
        logger.warn({ signal, graceMs: options.shutdownGraceTimeMs }, 'draining: no new tasks; in-flight runs get the grace time to finish');
        worker.shutdown();
      } else {
        logger.error({ signal }, 'second signal: exiting without draining');
        process.exit(130);
      }
    };
    const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
    for (const s of signals) process.on(s, onSignal);
    try {
      const running = worker.run();
      options.onReady?.(worker);
      logger.info({ taskQueue: worker.options.taskQueue, namespace: options.namespace, concurrency: options.concurrency, threads: options.threads, metrics: options.metricsAddress }, 'worker polling');
      await running;
      logger.info('worker drained and stopped');
    } finally {
      for (const s of signals) process.off(s, onSignal);
    }
  } finally {
    await connection.close();
  }
}
