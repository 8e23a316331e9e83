// Threads that own a DuckDB instance and write Parquet files one after another (sink-worker.ts).
// Idle hosts are kept for the next file, so a run that writes a part per checkpoint interval, or a
// process that runs many runs, starts a thread and a DuckDB instance once, not per file. Idle
// hosts do not keep the process alive.
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { POSTED, type FromWorker, type SinkWorkerData, type ToWorker } from './sink-protocol.js';
import { startSinkWorker } from './start-worker.js';

export class SinkHost {
  readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  /** Receives the thread's messages about the file being written; null when idle. */
  listener: ((message: FromWorker) => void) | null = null;
  /** Set when the thread died; the host is then never reused. */
  broken: Error | null = null;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: SinkWorkerData = { signal: this.signal, port: port2 };
    this.worker = startSinkWorker({ workerData: data, transferList: [port2] });
    this.worker.unref();
    this.worker.on('message', (message: FromWorker) => this.listener?.(message));
    const die = (error: Error) => {
      this.broken ??= error;
      this.listener?.({ kind: 'failed', message: error.message });
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`Parquet writer thread exited (${code})`)));
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer);
    Atomics.add(this.signal, POSTED, 1);
    Atomics.notify(this.signal, POSTED);
  }
}

const idle: SinkHost[] = [];

export function acquireHost(): SinkHost {
  for (let host = idle.pop(); host; host = idle.pop()) if (!host.broken) return host;
  return new SinkHost();
}

export function releaseHost(host: SinkHost): void {
  host.listener = null;
  host.worker.unref();
  if (!host.broken) idle.push(host);
}
