// The caller's side of one streaming Parquet file: posts row messages to a sink thread (a
// pooled host), bounds how many bytes wait in flight, and publishes the file by atomic rename on
// close().
import { open, rename, rm, stat } from 'node:fs/promises';
import { acquireHost, releaseHost, type SinkHost } from './sink-threads.js';
import type { FromSinkThread, SinkColumn, SinkRows, ToSinkThread } from './sink-protocol.js';
import { tempPathFor } from '../temp-path.js';

/** Bytes posted but not yet handed to DuckDB before write() waits: a few messages' worth. */
const MAX_IN_FLIGHT_BYTES = 16 << 20;

export interface WriteResult {
  rows: number;
  bytes: number;
}

export class ParquetSink {
  private readonly host: SinkHost;
  private readonly inFlight: number[] = []; // byte sizes of posted, unconsumed messages, oldest first
  private inFlightBytes = 0;
  private rows = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private failure: Error | null = null;
  private waiters: Array<() => void> = [];
  private readonly finished: Promise<number>;

  private readonly tempPath: string;

  constructor(
    readonly path: string,
    columns: SinkColumn[],
  ) {
    this.tempPath = tempPathFor(path);
    // A writer that is never closed must not keep the process alive; pending calls ref its thread.
    this.host = acquireHost();
    this.finished = new Promise<number>((resolve, reject) => {
      this.host.listener = (message: FromSinkThread) => {
        if (message.kind === 'consumed') this.inFlightBytes -= this.inFlight.shift() ?? 0;
        else if (message.kind === 'done') resolve(message.rows);
        else this.fail(new Error(`Parquet writer for ${path} failed: ${message.message}`), reject);
        this.wake();
      };
    });
    this.finished.catch(() => {}); // observed by write/close/abort; never an unhandled rejection
    this.post({ kind: 'open', path: this.tempPath, columns });
  }

  /** Posts one message of rows (the caller sizes it; see MESSAGE_ROWS); waits while too much is in flight. */
  async write(rows: SinkRows): Promise<void> {
    if (this.state !== 'open') throw new Error(`Parquet writer for ${this.path} is ${this.state}`);
    if (this.failure) throw this.failure;
    if (rows.rows === 0) return;
    const buffers = Object.values(rows.numbers).map((a) => a.buffer as ArrayBuffer);
    const bytes = buffers.reduce((sum, b) => sum + b.byteLength, 0);
    this.inFlight.push(bytes);
    this.inFlightBytes += bytes;
    this.rows += rows.rows;
    this.post({ kind: 'rows', rows }, buffers);
    while (this.inFlightBytes > MAX_IN_FLIGHT_BYTES && !this.failure) await this.pending();
    if (this.failure) throw this.failure;
  }

  /** Finishes the file, fsyncs it and renames it into place. */
  async close(): Promise<WriteResult> {
    if (this.state !== 'open') throw new Error(`Parquet writer for ${this.path} is ${this.state}`);
    this.state = 'closing';
    this.post({ kind: 'end' });
    this.host.thread.ref();
    try {
      const rows = await this.finished;
      releaseHost(this.host);
      if (rows !== this.rows) throw new Error(`Parquet writer wrote ${rows} rows, expected ${this.rows}`);
      const file = await open(this.tempPath, 'r');
      await file.sync().finally(() => file.close());
      await rename(this.tempPath, this.path);
      this.state = 'closed';
      return { rows, bytes: (await stat(this.path)).size };
    } catch (error) {
      await this.discard();
      throw error;
    }
  }

  /** Stops writing and removes the temp file; the final path is never created. */
  async abort(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.post({ kind: 'abort' });
    await this.discard();
  }

  private async discard(): Promise<void> {
    this.state = 'closed';
    this.host.thread.ref();
    await this.finished.catch(() => {}); // the thread has let go of the file before it is removed
    releaseHost(this.host);
    await rm(this.tempPath, { force: true });
  }

  private post(message: ToSinkThread, transfer: ArrayBuffer[] = []): void {
    this.host.post(message, transfer);
  }

  /** Resolves on the sink thread's next message, keeping the process alive meanwhile. */
  private async pending(): Promise<void> {
    this.host.thread.ref();
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.host.thread.unref();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private fail(error: Error, reject: (error: Error) => void): void {
    this.failure ??= error;
    reject(this.failure);
    this.wake();
  }
}
