// runs.parquet: one row per run — index, every varied parameter, seed, backend, status, attempts
// (those the run's own failures used) and lost workers, resumed-from time, phase timings, spike
// counts, mean rates and the CV of inter-spike intervals per population — built with DuckDB from
// the runs' records (streamed; the spike dataset only for records without a reported CV).
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SweepBackend } from '../workflows/contract.js';
import { planRun } from '../workflows/plan/expand.js';
import type { SweepPlan } from '../workflows/plan/types.js';
import { isiCvOf } from './isi-cv.js';
import { runsParquetPath } from './layout.js';
import type { RunRecord } from './run-record.js';
import { sqlColumn, sqlString } from './sql.js';
import { loadDuckDB } from '../engine/parquet/duckdb.js';

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
    if (r.cvIsi !== undefined) row[`cv_isi_${pop}`] = r.cvIsi;
  }
  return row;
}

/** Rows gathered (and their CV of ISI computed) before they go to the NDJSON file together. */
const CHUNK_ROWS = 1000;
/**
 * Rows per Parquet row group. DuckDB's parquet writer buffers a whole row group (122,880 rows by
 * default); smaller groups keep the writer's memory the same for a sweep of any size.
 */
const ROW_GROUP_ROWS = 2048;

/**
 * Runs `use` on a DuckDB instance of its own (one thread, no file cache), closed after it. DuckDB
 * keeps what it read of every file in its external file cache (≈ 36 MB per 1000 spike parts,
 * measured), so that is off; and one instance's memory still grew with the spike parts it had read
 * (a process finalizing 5,000 runs ended 13 MB above one finalizing 1,000, measured), which a
 * fresh instance per chunk gives back.
 */
async function withDuckDB<T>(use: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const { DuckDBInstance } = await loadDuckDB();
  const db = await DuckDBInstance.create(':memory:', { threads: '1', enable_external_file_cache: 'false' });
  const con = await db.connect();
  try {
    return await use(con);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/**
 * Writes `<sweepDir>/runs.parquet` from the rows, which arrive in run order, with CV-of-ISI columns
 * (a row's own, else from the spike dataset); returns its path. Memory stays flat in the number of
 * runs: the rows stream through an NDJSON file a chunk at a time (CVs a chunk's rows lack from
 * those runs' spike parts only, on an instance of its own), and DuckDB copies that file to Parquet
 * without materialising a table.
 */
export async function writeRunsParquet(dir: string, rows: AsyncIterable<Record<string, unknown>>): Promise<string> {
  const ndjson = join(dir, `.runs.${process.pid}.ndjson`);
  const tmp = join(dir, `.runs.${process.pid}.parquet`);
  const target = runsParquetPath(dir);
  const spikesDir = join(dir, 'spikes');
  const withSpikes = existsSync(spikesDir);
  /** cv_isi_<population> column names seen. */
  const cvNames = new Set<string>();
  try {
    const file = await open(ndjson, 'w');
    try {
      const flush = async (chunk: Record<string, unknown>[]) => {
        // Runs report their CV of ISI; only records written before that need their spike parts read.
        const unreported = chunk.filter((row) => populationsOf(row).some((p) => !(`cv_isi_${p}` in row))).map((row) => Number(row.run));
        const cv = withSpikes && unreported.length ? await withDuckDB((con) => isiCvOf(con, spikesDir, unreported)) : null;
        const lines = chunk.map((row) => JSON.stringify({ ...row, ...cvColumns(row, cv?.get(Number(row.run)), cvNames) }));
        await file.write(lines.join('\n') + '\n');
      };
      let chunk: Record<string, unknown>[] = [];
      for await (const row of rows) {
        chunk.push(row);
        if (chunk.length === CHUNK_ROWS) {
          await flush(chunk);
          chunk = [];
        }
      }
      if (chunk.length) await flush(chunk);
    } finally {
      await file.close();
    }
    // A CV column null in every row would read as JSON, not DOUBLE. A plain scan keeps the file's (run) order.
    const casts = [...cvNames].map((c) => `CAST(${sqlColumn(c)} AS DOUBLE) AS ${sqlColumn(c)}`);
    const columns = casts.length ? `* REPLACE (${casts.join(', ')})` : '*';
    await withDuckDB((con) => con.run(`COPY (SELECT ${columns} FROM read_json_auto(${sqlString(ndjson)}, format = 'newline_delimited')) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`));
    await rename(tmp, target);
  } finally {
    await rm(ndjson, { force: true });
    await rm(tmp, { force: true });
  }
  return target;
}

/** The populations a row counts spikes of. */
const populationsOf = (row: Record<string, unknown>): string[] =>
  Object.keys(row).filter((key) => key.startsWith('spikes_') && key !== 'spikes_sha256').map((key) => key.slice('spikes_'.length));

/** `cv_isi_<population>` for every population the row counts spikes of: the run's own, else from `cv` (null without a CV). */
function cvColumns(row: Record<string, unknown>, cv: Record<string, number> | undefined, names: Set<string>): Record<string, number | null> {
  const columns: Record<string, number | null> = {};
  for (const population of populationsOf(row)) {
    const name = `cv_isi_${population}`;
    names.add(name);
    columns[name] = name in row ? (row[name] as number | null) : cv?.[population] ?? null;
  }
  return columns;
}
