// bold.parquet: run_id, phase, monitor VARCHAR, t_ms DOUBLE, then one DOUBLE column per variable
// any BOLD monitor of the run records (NULL in the rows of a monitor that does not record it),
// one row per sample (ZSTD), streamed.
import { ParquetSink, type WriteResult } from './parquet-sink.js';
import { MESSAGE_ROWS } from './sink-protocol.js';
import { checkWriterOptions, type WriterOptions } from './writer-options.js';

/** Samples of one BOLD monitor: `values[variable][k]` at step `steps[k]`. */
export interface BoldBatch {
  monitor: string;
  steps: Float64Array;
  values: Record<string, Float64Array>;
  /** The protocol phase these samples belong to (the `phase` column); default 'main'. */
  phase?: string;
}

export interface BoldWriter {
  /** Await each call before the next: it returns once the rows are handed over (bounded memory). */
  write(batch: BoldBatch): Promise<void>;
  close(): Promise<WriteResult>;
  abort(): Promise<void>;
}

/** `variables`: the columns after t_ms, in order (the union of the run's monitors' variables). */
export async function openBoldWriter(path: string, opts: WriterOptions & { variables: string[] }): Promise<BoldWriter> {
  const { runId, dt } = checkWriterOptions(opts);
  const sink = new ParquetSink(path, [
    { name: 'run_id', kind: 'constant' },
    { name: 'phase', kind: 'constant' },
    { name: 'monitor', kind: 'constant' },
    { name: 't_ms', kind: 'float64' },
    ...opts.variables.map((name) => ({ name, kind: 'float64' as const, nanIsNull: true })),
  ]);
  return {
    async write({ monitor, steps, values, phase = 'main' }) {
      for (const [variable, column] of Object.entries(values)) {
        if (!opts.variables.includes(variable)) throw new Error(`BOLD batch of ${monitor}: '${variable}' is not a column of this file (${opts.variables.join(', ')})`);
        if (column.length !== steps.length) throw new Error(`BOLD batch of ${monitor}.${variable}: ${column.length} values for ${steps.length} samples`);
      }
      for (let first = 0; first < steps.length; first += MESSAGE_ROWS) {
        const last = Math.min(first + MESSAGE_ROWS, steps.length);
        const numbers: Record<string, Float64Array> = { t_ms: Float64Array.from(steps.subarray(first, last), (s) => s * dt) };
        for (const v of opts.variables) numbers[v] = values[v]?.slice(first, last) ?? new Float64Array(last - first).fill(NaN);
        await sink.write({ constants: { run_id: runId, phase, monitor }, numbers, rows: last - first });
      }
    },
    close: () => sink.close(),
    abort: () => sink.abort(),
  };
}
