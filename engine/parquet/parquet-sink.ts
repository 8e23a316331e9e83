// The caller's side of one Parquet file: posts row messages to a sink thread (a pooled host),
// bounds how many bytes wait in flight, and publishes the file by atomic rename on close(). A file
// with no streaming slot (sink-threads.ts) keeps its messages here and hands them over at close().
// The file goes to DuckDB with its first rows: a file that gets none (a run without spike monitors,
// a silent population) is the bytes DuckDB wrote for the process's first empty file of those
// columns — a schema and no row groups, the same whatever the path or the constants — so it costs a
// file write, not a COPY (about 2 ms of CPU).
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../atomic-write.js';
import { acquireHost, releaseHost, releaseStream, takeStream, type SinkHost } from './sink-threads.js';
import type { FromSinkThread, SinkColumn, SinkRows, ToSinkThread } from './sink-protocol.js';
import { tempPathFor } from '../temp-path.js';

/** Empty files by their columns, as DuckDB wrote them. */
const emptyFiles = new Map<string, Uint8Array>();

/** Bytes posted but not yet handed to DuckDB before write() waits: a few messages' worth. */
const MAX_IN_FLIGHT_BYTES = 16 << 20;

export interface WriteResult {
  rows: number;
  bytes: number;
}

interface Message {
  message: ToSinkThread;
  transfer: ArrayBuffer[];
}

export class ParquetSink {
  /** Null until the file is handed to a sink thread: at its first rows when streaming, at close() when not. */
  private host: SinkHost | null = null;
  /** Messages of a file that does not stream, kept until close(); undefined until the first rows. */
  private held: Message[] | null | undefined;
  private readonly inFlight: number[] = []; // byte sizes of posted, unconsumed messages, oldest first
  private inFlightBytes = 0;
  private rows = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private failure: Error | null = null;
  private waiters: Array<() => void> = [];
  private readonly finished: Promise<number>;
  private settle!: { resolve: (rows: number) => void; reject: (error: Error) => void };

  private readonly tempPath: string;
  private readonly columnsKey: string;

  constructor(
    readonly path: string,
    private readonly columns: SinkColumn[],
  ) {
    this.tempPath = tempPathFor(path);
    this.columnsKey = JSON.stringify(columns);
    this.finished = new Promise<number>((resolve, reject) => (this.settle = { resolve, reject }));
    this.finished.catch(() => {}); // observed by write/close/abort; never an unhandled rejection
  }

  /** Opens the file in DuckDB: streamed from now on if a streaming slot is free, else held until close(). */
  private begin(): void {
    const streams = takeStream();
    this.held = streams ? null : [];
    if (streams) this.attach();
    this.post({ kind: 'open', path: this.tempPath, columns: this.columns });
  }

  /** Posts one message of rows (the caller sizes it; see MESSAGE_ROWS); waits while too much is in flight. */
  async write(rows: SinkRows): Promise<void> {
    if (this.state !== 'open') throw new Error(`Parquet writer for ${this.path} is ${this.state}`);
    if (this.failure) throw this.failure;
    if (rows.rows === 0) return;
    if (this.held === undefined) this.begin();
    const buffers = Object.values(rows.numbers).map((a) => a.buffer as ArrayBuffer);
    const bytes = buffers.reduce((sum, b) => sum + b.byteLength, 0);
    this.inFlight.push(bytes);
    this.inFlightBytes += bytes;
    this.rows += rows.rows;
    this.post({ kind: 'rows', rows }, buffers);
    while (this.host && this.inFlightBytes > MAX_IN_FLIGHT_BYTES && !this.failure) await this.pending();
    if (this.failure) throw this.failure;
  }

  /** Finishes the file, fsyncs it and renames it into place. */
  async close(): Promise<WriteResult> {
    if (this.state !== 'open') throw new Error(`Parquet writer for ${this.path} is ${this.state}`);
    this.state = 'closing';
    if (this.held === undefined) {
      const empty = emptyFiles.get(this.columnsKey);
      if (empty) return this.publishEmpty(empty);
      this.begin();
    }
    if (this.held) {
      this.attach();
      for (const { message, transfer } of this.held.splice(0)) this.post(message, transfer);
    }
    this.post({ kind: 'end' });
    this.host!.thread.ref();
    try {
      const rows = await this.finished;
      this.letGo();
      if (rows !== this.rows) throw new Error(`Parquet writer wrote ${rows} rows, expected ${this.rows}`);
      const file = await open(this.tempPath, 'r');
      await file.sync().finally(() => file.close());
      const template = rows === 0 && !emptyFiles.has(this.columnsKey) ? await readFile(this.tempPath) : null;
      await rename(this.tempPath, this.path);
      this.state = 'closed';
      if (template) emptyFiles.set(this.columnsKey, template);
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
    if (this.host) this.post({ kind: 'abort' });
    await this.discard();
  }

  /** A file that got no rows, from the bytes of an earlier one: durable and atomic like the others. */
  private async publishEmpty(bytes: Uint8Array): Promise<WriteResult> {
    try {
      await writeFileAtomic(this.path, bytes);
    } catch (error) {
      throw new Error(`Parquet writer for ${this.path} failed: ${(error as Error).message}`);
    } finally {
      this.state = 'closed';
    }
    return { rows: 0, bytes: bytes.byteLength };
  }

  /** Hands the file to a sink thread, whose messages settle `finished`. */
  private attach(): void {
    const host = acquireHost();
    this.host = host;
    host.listener = (message: FromSinkThread) => {
      if (message.kind === 'consumed') this.inFlightBytes -= this.inFlight.shift() ?? 0;
      else if (message.kind === 'done') this.settle.resolve(message.rows);
      else this.fail(new Error(`Parquet writer for ${this.path} failed: ${message.message}`));
      this.wake();
    };
  }

  private async discard(): Promise<void> {
    this.state = 'closed';
    if (this.host) {
      this.host.thread.ref();
      await this.finished.catch(() => {}); // the thread has let go of the file before it is removed
      this.letGo();
    } else if (this.held) {
      this.held.length = 0;
    }
    await rm(this.tempPath, { force: true });
  }

  /** Returns the sink thread to the pool, and the streaming slot if this file had one. */
  private letGo(): void {
    if (!this.host) return;
    releaseHost(this.host);
    this.host = null;
    if (!this.held) releaseStream();
  }

  private post(message: ToSinkThread, transfer: ArrayBuffer[] = []): void {
    if (this.host) this.host.post(message, transfer);
    else this.held!.push({ message, transfer });
  }

  /** Resolves on the sink thread's next message, keeping the process alive meanwhile. */
  private async pending(): Promise<void> {
    const host = this.host!;
    host.thread.ref();
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    host.thread.unref();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle.reject(this.failure);
    this.wake();
  }
}
