// The embedded default's worker: with no Temporal server configured, the process that submits a
// sweep also runs it — an in-process worker on the local dev server's cpu queue, stopped when the
// sweep closes. After the last one stops, the runner processes and the SDK runtime go too (the
// runtime forwards native logs on a timer that would keep the process alive).
import { NativeConnection, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { closeRunners, createActivities } from '../activities/index.js';
import { createWorker, installRuntime } from '../worker/index.js';

export interface EmbeddedWorker {
  /** Drains the worker (idempotent); rejects with the worker's failure, if it failed. */
  stop(): Promise<void>;
}

let live = 0;

export async function startEmbeddedWorker(opts: { address: string; namespace: string; concurrency: number; threads: number; logger: Logger }): Promise<EmbeddedWorker> {
  installRuntime({ logger: opts.logger, metricsAddress: null });
  const connection = await NativeConnection.connect({ address: opts.address });
  live++;
  const release = async () => {
    await connection.close();
    if (--live > 0) return;
    closeRunners();
    await Runtime.instance().shutdown();
  };
  try {
    const worker = await createWorker({ connection, namespace: opts.namespace, queue: 'cpu', concurrency: opts.concurrency, threads: opts.threads, activities: createActivities });
    const running = worker.run();
    let stopped: Promise<void> | null = null;
    return {
      stop() {
        stopped ??= (async () => {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          try {
            await running;
          } finally {
            await release();
          }
        })();
        return stopped;
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
