// Threads that own a DuckDB instance and write Parquet files one after another (sink-thread.ts).
// Idle hosts are kept for the next file, so a run that writes a part per checkpoint interval, or a
// process that runs many runs, starts a thread and a DuckDB instance once, not per file. Idle
// hosts do not keep the process alive.
//
// A file streamed as it is written holds one thread of libuv's pool, shared by every thread of the
// process, until it ends: DuckDB's COPY runs there and waits on the sink thread for rows. Were all
// of the pool held so, the process's next file-system call (a checkpoint, progress.json) would wait
// forever, and with it the rows the streams wait for. So at most `STREAMS` files stream at once,
// one thread fewer than the pool; the others (a batch's many copies) are written whole when closed.
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { POSTED, type FromSinkThread, type SinkThreadData, type ToSinkThread } from './sink-protocol.js';
import { startSinkThread } from './start-sink-thread.js';

export class SinkHost {
  readonly thread: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  /** Receives the thread's messages about the file being written; null when idle. */
  listener: ((message: FromSinkThread) => void) | null = null;
  /** Set when the thread died; the host is then never reused. */
  broken: Error | null = null;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: SinkThreadData = { signal: this.signal, port: port2 };
    this.thread = startSinkThread({ workerData: data, transferList: [port2] });
    this.thread.unref();
    this.thread.on('message', (message: FromSinkThread) => this.listener?.(message));
    const die = (error: Error) => {
      this.broken ??= error;
      this.listener?.({ kind: 'failed', message: error.message });
    };
    this.thread.on('error', die);
    this.thread.on('exit', (code) => die(new Error(`Parquet writer thread exited (${code})`)));
  }

  post(message: ToSinkThread, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer);
    Atomics.add(this.signal, POSTED, 1);
    Atomics.notify(this.signal, POSTED);
  }
}

/** libuv's pool: UV_THREADPOOL_SIZE when the process started, 4 by default, at most 1024. */
function threadPoolSize(): number {
  const size = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isSafeInteger(size) && size > 0 ? Math.min(size, 1024) : 4;
}

const STREAMS = threadPoolSize() - 1;
let streaming = 0;

/** Takes one of the process's streaming slots; false when every one is taken (write the file whole). */
export function takeStream(): boolean {
  if (streaming >= STREAMS) return false;
  streaming++;
  return true;
}

export function releaseStream(): void {
  streaming--;
}

const idle: SinkHost[] = [];

export function acquireHost(): SinkHost {
  for (let host = idle.pop(); host; host = idle.pop()) if (!host.broken) return host;
  return new SinkHost();
}

/** Starts writer threads (and their DuckDB instances) until `count` are idle, ahead of a process's first files. */
export function warmHosts(count: number): void {
  while (idle.length < count) releaseHost(new SinkHost());
}

export function releaseHost(host: SinkHost): void {
  host.listener = null;
  host.thread.unref();
  if (!host.broken) idle.push(host);
}
