// DuckDB over a sweep's dataset: views `runs`, `spikes` and `state` (hive-partitioned by run).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

export async function openResults(dir: string): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  if (existsSync(join(dir, 'runs.parquet'))) await con.run(`CREATE VIEW runs AS SELECT * FROM read_parquet(${quote(join(dir, 'runs.parquet'))})`);
  for (const name of ['spikes', 'state']) {
    if (existsSync(join(dir, name))) await con.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet(${quote(join(dir, name, '*', '*.parquet'))}, hive_partitioning = true)`);
  }
  return con;
}

export async function query(con: DuckDBConnection, sql: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const reader = await con.runAndReadAll(sql);
  const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
  return { columns: reader.columnNames(), rows };
}
