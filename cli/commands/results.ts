// `spikesweep results <sweep|dir> [--sql …]`: DuckDB over the sweep's dataset (views runs, spikes,
// state); the default query lists the runs.
import { existsSync } from 'node:fs';
import { reportError } from '../errors.js';
import type { ResultsCliOptions } from '../options.js';
import { openResults, query } from '../sweep/results-db.js';
import { formatTable } from '../sweep/table.js';
import { describeSweep } from './status.js';

export async function resultsCommand(arg: string, options: ResultsCliOptions): Promise<number> {
  try {
    const dir = existsSync(arg) ? arg : (await describeSweep(arg)).output;
    if (!dir || !existsSync(dir)) throw new Error(`no results for '${arg}' (give a sweep id or its output folder)`);
    const con = await openResults(dir);
    try {
      const { columns, rows } = await query(con, options.sql ?? 'SELECT * FROM runs ORDER BY run');
      process.stdout.write(options.json ? `${JSON.stringify(rows)}\n` : formatTable(columns, rows));
    } finally {
      con.closeSync();
    }
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json });
  }
}
