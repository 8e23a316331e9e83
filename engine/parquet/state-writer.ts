// state.parquet: run_id, phase, population, neuron INTEGER, t_ms DOUBLE, variable VARCHAR, value DOUBLE
// (ZSTD), streamed. Monitors record wide (samples × recorded neurons); the file is long format.
import { ParquetSink, type WriteResult } from './parquet-sink.js';
import { MESSAGE_ROWS } from './sink-protocol.js';
import { checkWriterOptions, type WriterOptions } from './writer-options.js';

/** S samples of one variable for W recorded neurons: `values[s * W + w]` is neuron `neurons[w]` at step `steps[s]`. */
export interface StateBatch {
  population: string;
  variable: string;
  neurons: Int32Array;
  steps: Float64Array;
  values: Float64Array;
  /** The protocol phase these samples belong to (the `phase` column); default 'main'. */
  phase?: string;
}

export interface StateWriter {
  /** Await each call before the next: it returns once the rows are handed over (bounded memory). */
  write(batch: StateBatch): Promise<void>;
  close(): Promise<WriteResult>;
  abort(): Promise<void>;
}

const COLUMNS = [
  { name: 'run_id', kind: 'constant' },
  { name: 'phase', kind: 'constant' },
  { name: 'population', kind: 'constant' },
  { name: 'neuron', kind: 'int32' },
  { name: 't_ms', kind: 'float64' },
  { name: 'variable', kind: 'constant' },
  { name: 'value', kind: 'float64' },
] as const;

export async function openStateWriter(path: string, opts: WriterOptions): Promise<StateWriter> {
  const { runId, dt } = checkWriterOptions(opts);
  const sink = new ParquetSink(path, [...COLUMNS]);
  return {
    async write({ population, variable, neurons, steps, values, phase = 'main' }) {
      const width = neurons.length;
      if (values.length !== steps.length * width) {
        throw new Error(`state batch ${population}.${variable}: ${values.length} values, expected ${steps.length}×${width}`);
      }
      if (width === 0) return;
      // Whole samples per message, so each message is a contiguous run of `values`.
      const samplesPerMessage = Math.max(1, Math.floor(MESSAGE_ROWS / width));
      for (let first = 0; first < steps.length; first += samplesPerMessage) {
        const last = Math.min(first + samplesPerMessage, steps.length);
        const rows = (last - first) * width;
        const neuron = new Int32Array(rows);
        const t = new Float64Array(rows);
        for (let s = first; s < last; s++) {
          const base = (s - first) * width;
          neuron.set(neurons, base);
          t.fill(steps[s] * dt, base, base + width);
        }
        await sink.write({
          constants: { run_id: runId, phase, population, variable },
          numbers: { neuron, t_ms: t, value: values.slice(first * width, last * width) },
          rows,
        });
      }
    },
    close: () => sink.close(),
    abort: () => sink.abort(),
  };
}
