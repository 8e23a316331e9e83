// The activities a spikesweep worker registers, created from its settings.
import { availableParallelism } from 'node:os';
import { loadDuckDB } from '../engine/parquet/duckdb.js';
import { createSweepActivities, warmRunners } from './sweep/index.js';

export { closeRunners } from './sweep/index.js';

export function createActivities(settings: { threads: number; concurrency: number }) {
  // Runner processes for the runs the machine's cores can run at once start with the worker.
  warmRunners(Math.min(settings.concurrency, Math.max(1, Math.floor(availableParallelism() / settings.threads))));
  // finalizeSweep writes runs.parquet with DuckDB: its library loads now, not in a sweep's last step.
  loadDuckDB().catch(() => undefined);
  return createSweepActivities({ threads: settings.threads, cacheDir: process.env.SPIKESWEEP_CACHE_DIR ?? null });
}
