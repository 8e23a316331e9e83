// runs.parquet: one row per run — index, every varied parameter, seed, backend, status, attempts
// (those the run's own failures used) and lost workers, resumed-from time, phase timings, spike
// counts, mean rates and the CV of inter-spike intervals per population — built with DuckDB from
// the runs' records and the spike dataset.
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SweepBackend } from '../workflows/contract.js';
import { planRun } from '../workflows/plan/expand.js';
import type { SweepPlan } from '../workflows/plan/types.js';
import { partsGlob, runsParquetPath } from './layout.js';
import type { RunRecord } from './run-record.js';
import { sqlColumn, sqlString } from './sql.js';

/** The columns every row has, whatever the plan and the network. */
export const RUN_COLUMNS = ['run', 'seed', 'backend', 'status', 'attempts', 'lost_workers', 'resumed_from_ms', 'simulated_ms', 'spikes_sha256', 'error', 'attempt_ms'] as const;

/** Per-population columns (spikes_<pop>, rate_<pop>_hz, cv_isi_<pop>) and per-phase timings (<phase>_ms). */
const DERIVED = /^(spikes_|rate_|cv_isi_)|_ms$/;

/** The varied parameters among runs.parquet's columns (an axis name is neither fixed nor derived). */
export function parameterColumns(columns: string[]): string[] {
  const fixed = new Set<string>(RUN_COLUMNS);
  return columns.filter((c) => !fixed.has(c) && !DERIVED.test(c));
}

/** The mean-rate columns (rate_<pop>_hz). */
export const rateColumns = (columns: string[]) => columns.filter((c) => /^rate_.+_hz$/.test(c));

/**
 * One flat row per run. Runs that never started (a cancelled sweep) appear as 'cancelled' with
 * the sweep's backend; a run's own record names the backend it ran on.
 */
export function runRow(index: number, record: RunRecord | null, plan: SweepPlan, backend: SweepBackend): Record<string, unknown> {
  const planned = planRun(plan, index);
  const row: Record<string, unknown> = {
    run: index, ...planned.values, seed: record?.seed ?? planned.seed, backend: record?.backend ?? backend, status: record?.status ?? 'cancelled',
    attempts: record?.attempts ?? 0, lost_workers: record?.lostWorkers ?? 0, resumed_from_ms: record?.resumedFromMs ?? 0, simulated_ms: record?.report?.simulatedMs ?? null,
    spikes_sha256: record?.spikesSha256 ?? null, error: record?.error ?? null, attempt_ms: record?.attemptMs ?? null,
  };
  for (const [phase, ms] of Object.entries(record?.report?.timings ?? {})) row[`${phase}_ms`] = ms;
  for (const [pop, r] of Object.entries(record?.report?.populations ?? {})) {
    row[`spikes_${pop}`] = r.spikes;
    row[`rate_${pop}_hz`] = r.meanRateHz;
  }
  return row;
}

/** Writes `<sweepDir>/runs.parquet` from the rows (ordered by run) plus CV-of-ISI columns from the spike dataset; returns its path. */
export async function writeRunsParquet(dir: string, rows: Record<string, unknown>[]): Promise<string> {
  const ndjson = join(dir, `.runs.${process.pid}.ndjson`);
  const tmp = join(dir, `.runs.${process.pid}.parquet`);
  const target = runsParquetPath(dir);
  await writeFile(ndjson, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    await con.run(`CREATE TABLE runs AS SELECT * FROM read_json_auto(${sqlString(ndjson)}, format = 'newline_delimited')`);
    const populations = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('spikes_') && k !== 'spikes_sha256').map((k) => k.slice(7))))];
    let select = 'SELECT runs.* FROM runs';
    if (existsSync(join(dir, 'spikes')) && populations.length) {
      // CV of the inter-spike intervals of each neuron with ≥ 3 spikes, averaged over the population.
      await con.run(`CREATE TABLE cv AS
        WITH isi AS (
          SELECT run, population, neuron, t_ms - lag(t_ms) OVER (PARTITION BY run, population, neuron ORDER BY t_ms) AS isi
          FROM read_parquet(${sqlString(partsGlob(dir, 'spikes'))}, hive_partitioning = true))
        SELECT run, population, avg(cv) AS cv FROM (
          SELECT run, population, neuron, stddev_pop(isi) / avg(isi) AS cv FROM isi WHERE isi IS NOT NULL GROUP BY ALL HAVING count(*) >= 2)
        GROUP BY ALL`);
      const cvColumns = populations.map((p) => `(SELECT cv FROM cv WHERE cv.run = runs.run AND cv.population = ${sqlString(p)}) AS ${sqlColumn(`cv_isi_${p}`)}`);
      select = `SELECT runs.*, ${cvColumns.join(', ')} FROM runs`;
    }
    await con.run(`COPY (${select} ORDER BY run) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    await rename(tmp, target);
  } finally {
    con.closeSync();
    db.closeSync();
    await rm(ndjson, { force: true });
    await rm(tmp, { force: true });
  }
  return target;
}
