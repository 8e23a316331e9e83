// DuckDB over a sweep's dataset: views `runs` (runs.parquet), `spikes`, `state` and `bold`
// (hive-partitioned by run) — what `spikesweep results --sql` and the sweep API's `results()` query.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBResultReader } from '@duckdb/node-api';
import { PARTITIONED_DATASETS, partsGlob, runsParquetPath } from './layout.js';
import { parameterColumns, rateColumns } from './runs-table.js';
import { sqlColumn, sqlString } from './sql.js';
import { loadDuckDB } from '../engine/parquet/duckdb.js';

export interface QueryResult {
  columns: string[];
  /** One object per row in DuckDB's JSON form, except that 64- and 128-bit integers are numbers when they fit one exactly. */
  rows: Record<string, unknown>[];
}

// DuckDB's JSON form writes every 64-bit integer (counts, run indices, seeds) as a string.
function rowsOf(reader: DuckDBResultReader, wideIntegers: Set<number>): Record<string, unknown>[] {
  const wide = reader.columnNames().filter((_, i) => wideIntegers.has(reader.columnTypes()[i].typeId));
  const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
  for (const row of rows) {
    for (const c of wide) {
      const n = Number(row[c]);
      if (typeof row[c] === 'string' && Number.isSafeInteger(n)) row[c] = n;
    }
  }
  return rows;
}

export interface ResultsDb {
  /** The sweep folder the views read. */
  readonly dir: string;
  query(sql: string): Promise<QueryResult>;
  close(): void;
}

/** The default query of `spikesweep results`: every run. */
export const ALL_RUNS_SQL = 'SELECT * FROM runs ORDER BY run';

/**
 * A query that names a view whose files do not exist yet (a sweep still running, or one whose runs
 * recorded none of that data), as a sentence that says so — DuckDB's own is a catalog error.
 */
function notYetWritten(dir: string, error: unknown): Error | null {
  const view = /Table with name (\w+) does not exist/.exec(error instanceof Error ? error.message : String(error))?.[1];
  if (view === 'runs') return new Error(`${dir} has no runs table yet: runs.parquet is written when the sweep ends (\`spikesweep status\` shows how far it is; the spikes, state and bold views hold the rows of the runs committed so far)`);
  if (view && (PARTITIONED_DATASETS as readonly string[]).includes(view)) return new Error(`${dir} has no ${view} table: no committed run has written ${view} rows`);
  return null;
}

/** A query `results` refuses or DuckDB could not run: the user's SQL, not the dataset, is at fault. */
export class QueryError extends Error {
  override name = 'QueryError';
}

/** Opens an in-memory DuckDB with the views of the sweep folder `dir` (those whose files exist). */
export async function openResults(dir: string): Promise<ResultsDb> {
  const { DuckDBInstance, DuckDBTypeId, StatementType } = await loadDuckDB();
  // Statements that only read: a results query must not change the dataset it reads (COPY … TO
  // over runs.parquet did), nor anything else on disk.
  const reading = new Set<number>([StatementType.SELECT, StatementType.EXPLAIN]);
  const wideIntegers = new Set<number>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  if (existsSync(runsParquetPath(dir))) await con.run(`CREATE VIEW runs AS SELECT * FROM read_parquet(${sqlString(runsParquetPath(dir))})`);
  for (const name of PARTITIONED_DATASETS) {
    if (existsSync(join(dir, name))) await con.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet(${sqlString(partsGlob(dir, name))}, hive_partitioning = true)`);
  }
  return {
    dir,
    async query(sql) {
      try {
        const statements = await con.extractStatements(sql);
        if (statements.count !== 1) throw new QueryError(`give one SQL statement, got ${statements.count}`);
        const prepared = await statements.prepare(0);
        if (!reading.has(prepared.statementType)) throw new QueryError(`results only reads: give a SELECT (or EXPLAIN) query, got a ${StatementType[prepared.statementType] ?? 'statement'} statement`);
        const reader = await prepared.runAndReadAll();
        return { columns: reader.columnNames(), rows: rowsOf(reader, wideIntegers) };
      } catch (error) {
        if (error instanceof QueryError) throw error;
        const missing = notYetWritten(dir, error);
        if (missing) throw missing;
        // DuckDB's message, its first line ("Parser Error: syntax error at or near …").
        throw new QueryError(`the query failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/^Failed to extract statements: /, '')}`);
      }
    },
    close() {
      con.closeSync();
      db.closeSync();
    },
  };
}

/**
 * Completed runs grouped by parameter point (every varied parameter), with the run count and the
 * mean of each population's rate: the table `spikesweep sweep` ends with.
 */
export async function pointSummarySql(results: ResultsDb): Promise<string> {
  const { columns } = await results.query('SELECT * FROM runs LIMIT 0');
  const axes = parameterColumns(columns).map(sqlColumn);
  const rates = rateColumns(columns).map((r) => `round(avg(${sqlColumn(r)}), 2) AS ${sqlColumn(r)}`);
  const grouped = axes.length ? ` GROUP BY ${axes.join(', ')} ORDER BY ${axes.join(', ')}` : '';
  return `SELECT ${[...axes, 'count(*) AS runs', ...rates].join(', ')} FROM runs WHERE status = 'completed'${grouped}`;
}
