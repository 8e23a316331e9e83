// Entry of report/: `writeReport(dir, options)` renders the page of a run folder or of a sweep
// folder (with the pages of chosen runs). See README.md.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runsParquetPath, sweepManifestPath } from '../results/index.js';
import { ReportInputError } from './errors.js';
import { RASTER_CAP } from './formats.js';
import type { PageFiles } from './output.js';
import { writeRunPage } from './run-page.js';
import { isRunDir, loadRunSource } from './run-source.js';
import { writeSweepPage, type SweepPageOptions } from './sweep-page.js';
import { loadDuckDB } from '../engine/parquet/duckdb.js';

export { ReportInputError } from './errors.js';
export { FORMATS, RASTER_CAP, type Format } from './formats.js';
export type { PageFiles } from './output.js';

export type ReportOptions = Partial<SweepPageOptions> & {
  /** Where the page goes (default: <dir>/report). */
  out?: string;
};

export interface Report {
  kind: 'run' | 'sweep';
  page: PageFiles;
  /** The sweep's run pages by run index (empty for a run). */
  runPages: Map<number, PageFiles>;
}

/** The folder the report of `dir` goes to unless --out says otherwise. */
export const defaultReportDir = (dir: string) => join(resolve(dir), 'report');

const isSweepDir = (dir: string) => existsSync(runsParquetPath(dir)) || (existsSync(sweepManifestPath(dir)) && existsSync(join(dir, 'runs')));

export async function writeReport(dir: string, opts: ReportOptions = {}): Promise<Report> {
  if (!existsSync(dir)) throw new ReportInputError(`${dir}: no such folder (give a run folder, a sweep folder or a sweep id)`);
  const out = resolve(opts.out ?? defaultReportDir(dir));
  const formats = opts.formats ?? ['html', 'png', 'svg'];
  const rasterCap = opts.rasterCap ?? RASTER_CAP;
  const { DuckDBInstance } = await loadDuckDB();
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    if (isSweepDir(dir)) {
      const { page, runPages } = await writeSweepPage(con, resolve(dir), out, { ...opts, formats, rasterCap, runs: opts.runs ?? [] });
      return { kind: 'sweep', page, runPages };
    }
    if (isRunDir(dir)) {
      if (opts.runs?.length || opts.metric || opts.x || opts.y) throw new ReportInputError(`${dir} is a single run: --runs, --metric, --x and --y apply to sweeps`);
      return { kind: 'run', page: await writeRunPage(con, loadRunSource(dir), out, { formats, rasterCap }), runPages: new Map() };
    }
    // A sweep's dataset before its end: its runs and network are there, runs.parquet not yet.
    if (existsSync(join(dir, 'runs')) || existsSync(join(dir, 'network')))
      throw new ReportInputError(`${dir}: the sweep has no runs.parquet yet: it is written when the sweep ends (\`spikesweep status\` shows how far it is)`);
    throw new ReportInputError(`${dir}: neither a run folder (manifest.json with spikes) nor a sweep folder (runs.parquet)`);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
