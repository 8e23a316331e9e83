// spikes.parquet: run_id VARCHAR, phase VARCHAR, population VARCHAR, neuron INTEGER, t_ms DOUBLE (ZSTD),
// streamed.
import { ParquetSink, type WriteResult } from './parquet-sink.js';
import { MESSAGE_ROWS } from './sink-protocol.js';
import { checkWriterOptions, type WriterOptions } from './writer-options.js';

/** Spikes of one population, one row per spike: `neurons[i]` fired at step `steps[i]`. */
export interface SpikeBatch {
  population: string;
  neurons: Int32Array;
  steps: Float64Array;
  /** The protocol phase these spikes belong to (the `phase` column); default 'main'. */
  phase?: string;
}

export interface SpikeWriter {
  /** Await each call before the next: it returns once the rows are handed over (bounded memory). */
  write(batch: SpikeBatch): Promise<void>;
  close(): Promise<WriteResult>;
  abort(): Promise<void>;
}

const COLUMNS = [
  { name: 'run_id', kind: 'constant' },
  { name: 'phase', kind: 'constant' },
  { name: 'population', kind: 'constant' },
  { name: 'neuron', kind: 'int32' },
  { name: 't_ms', kind: 'float64' },
] as const;

export async function openSpikeWriter(path: string, opts: WriterOptions): Promise<SpikeWriter> {
  const { runId, dt } = checkWriterOptions(opts);
  const sink = new ParquetSink(path, [...COLUMNS]);
  return {
    async write({ population, neurons, steps, phase = 'main' }) {
      if (neurons.length !== steps.length) {
        throw new Error(`spike batch for ${population}: ${neurons.length} neurons but ${steps.length} steps`);
      }
      for (let start = 0; start < neurons.length; start += MESSAGE_ROWS) {
        const end = Math.min(start + MESSAGE_ROWS, neurons.length);
        const t = new Float64Array(end - start);
        for (let i = start; i < end; i++) t[i - start] = steps[i] * dt; // exactly step × dt, as the hash uses
        await sink.write({
          constants: { run_id: runId, phase, population },
          numbers: { neuron: neurons.slice(start, end), t_ms: t },
          rows: end - start,
        });
      }
    },
    close: () => sink.close(),
    abort: () => sink.abort(),
  };
}
