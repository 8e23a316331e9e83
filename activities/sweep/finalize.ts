// The sweep's results table and manifest, written when the sweep ends (completed or cancelled):
// runs.parquet has one row per run — index, every varied parameter, seed, status, attempts,
// resumed-from time, phase timings, spike counts, mean rates and the CV of inter-spike intervals
// per population — built with DuckDB from the runs' summaries and the spike dataset.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SweepProgress } from '../../workflows/contract.js';
import { planRun } from '../../workflows/plan/expand.js';
import type { SweepPlan } from '../../workflows/plan/types.js';
import { describeHost, writeManifest } from '../../engine/index.js';
import { runPaths, sweepDir } from './layout.js';
import { readRecord, type RunRecord } from './summary.js';

export interface FinalizeInput {
  sweepId: string;
  output: string;
  name: string;
  specHash: string;
  total: number;
  status: SweepProgress['status'];
  plan: SweepPlan;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const column = (s: string) => `"${s.replaceAll('"', '""')}"`;

// One flat row per run; runs that never started (a cancelled sweep) appear as 'cancelled'.
function row(index: number, record: RunRecord | null, plan: SweepPlan): Record<string, unknown> {
  const planned = planRun(plan, index);
  const base: Record<string, unknown> = {
    run: index, ...planned.values, seed: record?.seed ?? planned.seed, status: record?.status ?? 'cancelled',
    attempts: record?.attempts ?? 0, resumed_from_ms: record?.resumedFromMs ?? 0, simulated_ms: record?.report?.simulatedMs ?? null,
    spikes_sha256: record?.spikesSha256 ?? null, error: record?.error ?? null, attempt_ms: record?.attemptMs ?? null,
  };
  for (const [phase, ms] of Object.entries(record?.report?.timings ?? {})) base[`${phase}_ms`] = ms;
  for (const [pop, r] of Object.entries(record?.report?.populations ?? {})) {
    base[`spikes_${pop}`] = r.spikes;
    base[`rate_${pop}_hz`] = r.meanRateHz;
  }
  return base;
}

export function createFinalizeActivity() {
  return async function finalizeSweep(input: FinalizeInput): Promise<{ runsParquet: string; completed: number; failed: number }> {
    const dir = sweepDir(input.output, input.sweepId);
    await mkdir(dir, { recursive: true });
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < input.total; i++) {
      rows.push(row(i, await readRecord(runPaths(input.output, input.sweepId, i).summary), input.plan));
      if (i % 1000 === 999) Context.current().heartbeat(i);
    }
    const ndjson = join(dir, `.runs.${process.pid}.ndjson`);
    const tmp = join(dir, `.runs.${process.pid}.parquet`);
    const runsParquet = join(dir, 'runs.parquet');
    await writeFile(ndjson, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      await con.run(`CREATE TABLE runs AS SELECT * FROM read_json_auto(${sqlString(ndjson)}, format = 'newline_delimited')`);
      const spikes = join(dir, 'spikes');
      const populations = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('spikes_') && k !== 'spikes_sha256').map((k) => k.slice(7))))];
      let select = 'SELECT runs.* FROM runs';
      if (existsSync(spikes) && populations.length) {
        // CV of the inter-spike intervals of each neuron with ≥ 3 spikes, averaged over the population.
        await con.run(`CREATE TABLE cv AS
          WITH isi AS (
            SELECT run, population, neuron, t_ms - lag(t_ms) OVER (PARTITION BY run, population, neuron ORDER BY t_ms) AS isi
            FROM read_parquet(${sqlString(join(spikes, '*', '*.parquet'))}, hive_partitioning = true))
          SELECT run, population, avg(cv) AS cv FROM (
            SELECT run, population, neuron, stddev_pop(isi) / avg(isi) AS cv FROM isi WHERE isi IS NOT NULL GROUP BY ALL HAVING count(*) >= 2)
          GROUP BY ALL`);
        const cvColumns = populations.map((p) => `(SELECT cv FROM cv WHERE cv.run = runs.run AND cv.population = ${sqlString(p)}) AS ${column(`cv_isi_${p}`)}`);
        select = `SELECT runs.*, ${cvColumns.join(', ')} FROM runs`;
      }
      await con.run(`COPY (${select} ORDER BY run) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      await rename(tmp, runsParquet);
    } finally {
      con.closeSync();
      await rm(ndjson, { force: true });
      await rm(tmp, { force: true });
    }
    // Work folders of runs that never finished (a cancelled sweep) go; committed data stays.
    await rm(join(dir, '.work'), { recursive: true, force: true });
    const completed = rows.filter((r) => r.status === 'completed').length;
    const failed = rows.filter((r) => r.status === 'failed').length;
    await writeManifest(join(dir, 'manifest.json'), {
      sweepId: input.sweepId, name: input.name, specHash: input.specHash, status: input.status,
      runs: { total: input.total, completed, failed, cancelled: input.total - completed - failed },
      plan: input.plan, finishedAt: new Date().toISOString(), host: describeHost(),
      dataset: { runs: 'runs.parquet', spikes: 'spikes/run=<i>/*.parquet', state: 'state/run=<i>/*.parquet' },
    });
    return { runsParquet, completed, failed };
  };
}
