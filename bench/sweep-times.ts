// A finished sweep's run times from its runs.parquet: the runs' own work (codegen + compile + build +
// simulate + write + checkpoint, summed) and the median per-run overhead (attempt wall time − own
// time). The benches compare a sweep's wall time against own / slots, the ideal.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export async function sweepRunTimes(dataset: string): Promise<{ runs: number; ownMs: number; medianOverheadMs: number; medianAttemptMs: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const reader = await con.runAndReadAll(`SELECT codegen_ms + compile_ms + build_ms + simulate_ms + write_ms + checkpoint_ms AS own, attempt_ms FROM read_parquet('${join(dataset, 'runs.parquet')}') WHERE status = 'completed'`);
  const rows = reader.getRowObjectsJson() as { own: number; attempt_ms: number }[];
  con.closeSync();
  const own = rows.reduce((s, r) => s + Number(r.own), 0);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { runs: rows.length, ownMs: own, medianOverheadMs: median(rows.map((r) => Number(r.attempt_ms) - Number(r.own))), medianAttemptMs: median(rows.map((r) => Number(r.attempt_ms))) };
}
