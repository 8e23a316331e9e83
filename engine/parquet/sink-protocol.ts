// The contract between ParquetSink (caller's thread) and sink-thread (the thread that owns DuckDB).
// Kept in one file so both sides agree on column kinds, message shapes and the shared signal slot.

import type { MessagePort } from 'node:worker_threads';

/** A column of the Parquet file. `constant` columns hold one string per message (run id, population,
 * variable), so they cross the thread boundary once per message instead of once per row. */
export type SinkColumn =
  | { name: string; kind: 'constant' }
  | { name: string; kind: 'int32' }
  | { name: string; kind: 'float64'; /** NaN is written as NULL (a value the rows do not have). */ nanIsNull?: boolean };

/** Rows for one message: every numeric column has `rows` entries, every constant column one string. */
export interface SinkRows {
  constants: Record<string, string>;
  numbers: Record<string, Int32Array | Float64Array>;
  rows: number;
}

/** A host thread writes one file after another: `open` starts a file, `end` or `abort` finishes it. */
export type ToSinkThread =
  | { kind: 'open'; path: string; columns: SinkColumn[] }
  | { kind: 'rows'; rows: SinkRows }
  | { kind: 'end' }
  | { kind: 'abort' };

export type FromSinkThread =
  | { kind: 'consumed' }
  | { kind: 'done'; rows: number }
  | { kind: 'failed'; message: string };

export interface SinkThreadData {
  /** Int32Array over a SharedArrayBuffer; slot POSTED counts messages sent to the sink thread. */
  signal: Int32Array;
  port: MessagePort;
}

export const POSTED = 0;

/** Largest message the writers send: keeps each hand-over (and each transferred buffer) small,
 * whatever size of batch the simulation produces. */
export const MESSAGE_ROWS = 1 << 16;
