// The CV of inter-spike intervals of a group of runs, from their spike parts: per run and
// population, the mean over neurons with ≥ 3 spikes of stddev(ISI) / mean(ISI) (analysis/
// spike-trains.ts defines it). runs.parquet's cv_isi_<population> columns. Asked for a bounded
// group of runs at a time, so that DuckDB opens a bounded number of part files whatever the size
// of the sweep.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { populationCvIsiSql } from '../analysis/spike-trains.js';
import { sqlString } from './sql.js';

/** Run index → population → CV; runs without spike parts or with too few spikes are absent. */
export type IsiCv = Map<number, Record<string, number>>;

export async function isiCvOf(con: DuckDBConnection, spikesDir: string, runs: number[]): Promise<IsiCv> {
  const parts = runs.map((run) => join(spikesDir, `run=${run}`)).filter((folder) => existsSync(folder)).map((folder) => sqlString(join(folder, '*.parquet')));
  const cv: IsiCv = new Map();
  if (parts.length === 0) return cv;
  const reader = await con.runAndReadAll(populationCvIsiSql(`read_parquet([${parts.join(', ')}], hive_partitioning = true)`, ['run']));
  for (const row of reader.getRowObjectsJson() as { run: string | number; population: string; cv: number | null }[]) {
    if (row.cv === null) continue;
    const run = Number(row.run);
    cv.set(run, { ...cv.get(run), [row.population]: Number(row.cv) });
  }
  return cv;
}
