// Runs, for each file it is given, one `COPY (SELECT * FROM sink_source()) TO '<temp>.parquet'`
// streaming the whole file; the thread and its DuckDB instance then wait for the next file, so a
// run writing many parts pays their start-up once. The table
// function pulls rows from the MessagePort and, when none are queued, blocks this thread with
// Atomics.wait until the caller posts more. That is what lets DuckDB's Parquet writer stream rows
// it has not yet been given: a table function must answer synchronously, so it cannot wait on the
// caller's event loop — it waits here, in a thread that has nothing else to do.
// Memory stays bounded: DuckDB holds about one row group in flight, the caller at most a few
// messages (see ParquetSink's backpressure).
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import duckdb from '@duckdb/node-bindings';
import {
  DOUBLE,
  DuckDBInstance,
  DuckDBTableFunction,
  INTEGER,
  VARCHAR,
  type DuckDBDataChunk,
  type DuckDBTableFunctionInfo,
} from '@duckdb/node-api';
import { POSTED, type FromSinkThread, type SinkColumn, type SinkRows, type SinkThreadData, type ToSinkThread } from './sink-protocol.js';

const { signal, port } = workerData as SinkThreadData;
let columns: SinkColumn[] = []; // of the file being written
const reply = (message: FromSinkThread) => parentPort!.postMessage(message);
const CHUNK_ROWS = 2048; // DuckDB's vector size: the most rows one table-function call may return

let current: SinkRows | null = null;
let constants: duckdb.Value[] = []; // `current`'s constant columns, made once per message, not per chunk
let offset = 0; // next unread row of `current`
let ended = false;

/** The next message from the caller, blocking until one arrives. */
function receive(): ToSinkThread {
  for (;;) {
    const posted = Atomics.load(signal, POSTED);
    const received = receiveMessageOnPort(port);
    if (received) return received.message as ToSinkThread;
    Atomics.wait(signal, POSTED, posted); // returns at once if a message was posted since the load
  }
}

function start(rows: SinkRows): void {
  current = rows;
  offset = 0;
  constants = columns.map((c) => duckdb.create_varchar(c.kind === 'constant' ? rows.constants[c.name] : ''));
}

/** Fills one output chunk from the current message; an empty chunk ends the scan. */
function fill(info: DuckDBTableFunctionInfo, output: DuckDBDataChunk): void {
  while (!ended && (current === null || offset === current.rows)) {
    if (current !== null) reply({ kind: 'consumed' });
    current = null;
    const message = receive();
    if (message.kind === 'abort') return info.setError('aborted by caller');
    if (message.kind === 'end') ended = true;
    else if (message.kind === 'rows') start(message.rows);
  }
  if (ended || current === null) return duckdb.data_chunk_set_size(output.chunk, 0);
  const rows = Math.min(CHUNK_ROWS, current.rows - offset);
  columns.forEach((column, index) => {
    const vector = duckdb.data_chunk_get_vector(output.chunk, index);
    if (column.kind === 'constant') {
      duckdb.vector_reference_value(vector, constants[index]);
    } else {
      const data = current!.numbers[column.name];
      const width = data.BYTES_PER_ELEMENT;
      duckdb.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset + offset * width, rows * width);
    }
  });
  duckdb.data_chunk_set_size(output.chunk, rows);
  offset += rows;
}

const TYPES = { constant: VARCHAR, int32: INTEGER, float64: DOUBLE } as const;
const source = DuckDBTableFunction.create({
  name: 'sink_source',
  bindFunction: (bind) => columns.forEach((c) => bind.addResultColumn(c.name, TYPES[c.kind])),
  initFunction: (init) => init.setMaxThreads(1), // one reader keeps rows in arrival order
  mainFunction: fill,
});

// One thread: the source is serial anyway, and a sweep worker runs many runs (each with its writers) side by side.
const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '256MB' });
const connection = await instance.connect();
connection.registerTableFunction(source);
for (;;) {
  const job = receive();
  if (job.kind !== 'open') continue; // the tail of an aborted file
  columns = job.columns;
  current = null;
  ended = false;
  let outcome: FromSinkThread;
  try {
    const target = job.path.replaceAll("'", "''");
    const nulls = columns.filter((c) => c.kind === 'float64' && c.nanIsNull).map((c) => `NULLIF("${c.name}", 'NaN'::DOUBLE) AS "${c.name}"`);
    const select = nulls.length ? `* REPLACE (${nulls.join(', ')})` : '*';
    const result = await connection.run(`COPY (SELECT ${select} FROM sink_source()) TO '${target}' (FORMAT parquet, COMPRESSION zstd)`);
    outcome = { kind: 'done', rows: result.rowsChanged };
  } catch (error) {
    outcome = { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  reply(outcome);
}
