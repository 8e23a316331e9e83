// `spikesweep results <sweep|dir> [--sql …]`: DuckDB over the sweep's dataset (views runs, spikes,
// state; results/views.ts); the default query lists the runs.
import { existsSync } from 'node:fs';
import { ALL_RUNS_SQL, openResults } from '../../results/index.js';
import { reportError } from '../errors.js';
import type { ResultsCliOptions } from '../options.js';
import { sweepFolderOf } from '../sweep-folder.js';
import { formatTable } from '../table.js';

export async function resultsCommand(arg: string, options: ResultsCliOptions): Promise<number> {
  try {
    const dir = await sweepFolderOf(arg);
    if (!existsSync(dir)) throw new Error(`no results for '${arg}' (give a sweep id or its output folder)`);
    const results = await openResults(dir);
    try {
      const { columns, rows } = await results.query(options.sql ?? ALL_RUNS_SQL);
      process.stdout.write(options.json ? `${JSON.stringify(rows)}\n` : formatTable(columns, rows));
    } finally {
      results.close();
    }
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json });
  }
}
