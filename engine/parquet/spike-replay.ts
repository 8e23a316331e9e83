// Feeding committed spike part files back into a SpikeHasher, so that a resumed run's hash covers
// the rows written before the resume. Node's SHA-256 state cannot be saved, so the hash is rebuilt
// instead: each part is read back with DuckDB in canonical order and handed to the hasher as step
// windows, exactly as the live run did. Each part also gets its own digest, which the caller
// compares with the digest recorded when the part was committed (a changed part is refused).
import { SpikeHasher, type SpikeWindowBatch } from '../spike-hash.js';
import { loadDuckDB } from './duckdb.js';

/** Rows per hasher window while replaying (whole steps only; the bound is soft). */
const WINDOW_ROWS = 1 << 16;

export interface ReplayedPart {
  path: string;
  rows: number;
  /** Canonical hash of this part's rows alone. */
  sha256: string;
}

/** Hands the rows of `paths` (in order: each part's steps after the previous part's) to `into`, window by window. */
export async function replaySpikeParts(into: (window: SpikeWindowBatch[]) => void, paths: string[], dt: number): Promise<ReplayedPart[]> {
  if (paths.length === 0) return [];
  const { DuckDBInstance } = await loadDuckDB();
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const out: ReplayedPart[] = [];
    for (const path of paths) {
      const own = new SpikeHasher({ dt });
      let rows = 0;
      const feed = (window: SpikeWindowBatch[]) => {
        into(window);
        own.update(window);
      };
      const result = await connection.stream(
        `SELECT population, neuron, t_ms FROM read_parquet('${path.replaceAll("'", "''")}') ORDER BY t_ms, population, neuron`,
      );
      // Rows of the current window, per population; a step is complete once a later step is seen.
      let pending = new Map<string, { neurons: number[]; steps: number[] }>();
      let pendingRows = 0;
      let lastStep = -1;
      const flush = () => {
        if (pendingRows === 0) return;
        feed([...pending].map(([population, b]) => ({ population, neurons: Int32Array.from(b.neurons), steps: Float64Array.from(b.steps) })));
        pending = new Map();
        pendingRows = 0;
      };
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const [populations, neurons, times] = chunk.getColumns() as [string[], number[], number[]];
        for (let i = 0; i < populations.length; i++) {
          const step = Math.round(times[i] / dt);
          if (step * dt !== times[i]) throw new Error(`${path}: t_ms ${times[i]} is not a whole step of dt = ${dt}`);
          if (step !== lastStep && pendingRows >= WINDOW_ROWS) flush();
          lastStep = step;
          let b = pending.get(populations[i]);
          if (!b) pending.set(populations[i], (b = { neurons: [], steps: [] }));
          b.neurons.push(neurons[i]);
          b.steps.push(step);
          pendingRows++;
          rows++;
        }
      }
      flush();
      out.push({ path, rows, sha256: own.digest() });
    }
    return out;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
