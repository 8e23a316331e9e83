// A sweep's page: the heatmap of a runs.parquet metric over two varied parameters, rates against
// each varied parameter, failed runs, and every run with a link to its page when one was rendered.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openResults, parameterColumns, rateColumns, runsParquetPath, type ResultsDb } from '../results/index.js';
import { sqlColumn } from '../results/sql.js';
import { ReportInputError } from './errors.js';
import { heatmapFigure, rateVsParameterFigure, type HeatmapCell, type RatePoint } from './figures/sweep.js';
import { emptyPanel } from './figures/common.js';
import { escapeHtml, facts, figure, page, section, table } from './html.js';
import type { Format } from './formats.js';
import { renderFigures, writePage, type PageFiles } from './output.js';
import type { Figure } from './render.js';
import { writeRunPage } from './run-page.js';
import { sweepRunSource } from './run-source.js';

export interface SweepPageOptions {
  formats: Format[];
  rasterCap: number;
  /** runs.parquet column of the heatmap (default: the first population's rate). */
  metric?: string;
  /** Varied parameters on the heatmap's axes (default: the first two). */
  x?: string;
  y?: string;
  /** Runs whose pages are rendered too, under runs/run=<i>/. */
  runs: number[];
}

export interface SweepReport {
  page: PageFiles;
  runPages: Map<number, PageFiles>;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The heatmap's metric and axes, checked against runs.parquet's columns. */
function chooseAxes(dir: string, columns: string[], opts: SweepPageOptions): { metric: string | null; x: string | null; y: string | null } {
  const parameters = parameterColumns(columns);
  const where = runsParquetPath(dir);
  const metric = opts.metric ?? rateColumns(columns)[0] ?? null;
  if (metric !== null && !columns.includes(metric)) throw new ReportInputError(`--metric ${metric}: ${where} has no such column (columns: ${columns.join(', ')})`);
  for (const [flag, name] of [['--x', opts.x], ['--y', opts.y]] as const) {
    if (name !== undefined && !parameters.includes(name)) throw new ReportInputError(`${flag} ${name}: not a varied parameter of ${where} (varied: ${parameters.join(', ') || 'none'})`);
  }
  const x = opts.x ?? parameters.find((p) => p !== opts.y) ?? null;
  const y = opts.y ?? parameters.find((p) => p !== x) ?? null;
  return { metric, x, y };
}

async function heatmap(results: ResultsDb, metric: string, x: string, y: string): Promise<HeatmapCell[]> {
  const m = sqlColumn(metric);
  const { rows } = await results.query(`
    SELECT ${sqlColumn(x)} AS x, ${sqlColumn(y)} AS y, avg(${m}) AS mean, stddev_samp(${m}) AS sd, count(${m}) AS n
    FROM runs WHERE status = 'completed' GROUP BY ALL ORDER BY x, y`);
  return rows.filter((r) => Number(r.n) > 0).map((r) => ({ x: Number(r.x), y: Number(r.y), mean: num(r.mean), sd: num(r.sd), n: Number(r.n) }));
}

async function ratesAgainst(results: ResultsDb, parameter: string, rates: string[]): Promise<RatePoint[]> {
  const points: RatePoint[] = [];
  for (const rate of rates) {
    const { rows } = await results.query(`
      SELECT ${sqlColumn(parameter)} AS value, avg(${sqlColumn(rate)}) AS mean, stddev_samp(${sqlColumn(rate)}) AS sd, count(${sqlColumn(rate)}) AS n
      FROM runs WHERE status = 'completed' GROUP BY ALL ORDER BY value`);
    const population = rate.slice('rate_'.length, -'_hz'.length);
    for (const r of rows) points.push({ value: Number(r.value), population, mean: num(r.mean), sd: num(r.sd), n: Number(r.n) });
  }
  return points;
}

async function sweepFigures(dir: string, results: ResultsDb, columns: string[], opts: SweepPageOptions): Promise<Figure[]> {
  const { metric, x, y } = chooseAxes(dir, columns, opts);
  const figures: Figure[] = [];
  if (metric && x && y) figures.push(heatmapFigure(metric, x, y, await heatmap(results, metric, x, y)));
  else figures.push({ id: 'heatmap', title: 'Heatmap', spec: emptyPanel('a heatmap needs two varied parameters and a metric') });
  for (const parameter of parameterColumns(columns)) figures.push(rateVsParameterFigure(parameter, await ratesAgainst(results, parameter, rateColumns(columns))));
  return figures;
}

/** The runs table: parameters, seed, status, rates, and the page or the command that makes it. */
function runsTable(dir: string, outDir: string, runs: Record<string, unknown>[], columns: string[], pages: Map<number, PageFiles>): string {
  const parameters = parameterColumns(columns);
  const rates = rateColumns(columns);
  const head = ['run', ...parameters, 'seed', 'status', ...rates.map((r) => `${r} (Hz)`), 'page'];
  const rows = runs.map((r) => {
    const index = Number(r.run);
    const html = pages.get(index)?.html;
    const link = html ? { html: `<a href="${escapeHtml(relative(outDir, html))}">run ${index}</a>` } : { html: `<code>${escapeHtml(`spikesweep report ${join(dir, 'runs', `run=${index}`)}`)}</code>` };
    return [index, ...parameters.map((p) => r[p] as number), Number(r.seed), String(r.status), ...rates.map((c) => (r[c] === null ? null : Number(Number(r[c]).toPrecision(3)))), link];
  });
  return table(head, rows);
}

function failedTable(runs: Record<string, unknown>[], columns: string[]): string {
  const failed = runs.filter((r) => r.status === 'failed');
  if (failed.length === 0) return '<p>No run failed.</p>';
  const parameters = parameterColumns(columns);
  return table(['run', ...parameters, 'seed', 'attempts', 'error'], failed.map((r) => [Number(r.run), ...parameters.map((p) => r[p] as number), Number(r.seed), Number(r.attempts), String(r.error ?? '')]));
}

/** Renders the sweep's page (and the pages of opts.runs) into `outDir`. */
export async function writeSweepPage(con: DuckDBConnection, dir: string, outDir: string, opts: SweepPageOptions): Promise<SweepReport> {
  if (!existsSync(runsParquetPath(dir))) throw new ReportInputError(`${dir}: no runs.parquet (a sweep folder gets it when the sweep ends)`);
  const results = await openResults(dir);
  try {
    const { columns, rows: runs } = await results.query('SELECT * FROM runs ORDER BY run');
    const known = new Set(runs.map((r) => Number(r.run)));
    const runPages = new Map<number, PageFiles>();
    for (const index of opts.runs) {
      if (!known.has(index)) throw new ReportInputError(`--runs ${index}: ${runsParquetPath(dir)} has runs 0 to ${known.size - 1}`);
      if (!existsSync(join(dir, 'runs', `run=${index}`, 'manifest.json'))) throw new ReportInputError(`--runs ${index}: run ${index} has no manifest (it did not complete)`);
      runPages.set(index, await writeRunPage(con, sweepRunSource(dir, index), join(outDir, 'runs', `run=${index}`), { formats: ['html', ...opts.formats.filter((f) => f !== 'html')], rasterCap: opts.rasterCap }));
    }
    const started = performance.now();
    const figures = await sweepFigures(dir, results, columns, opts);
    const queried = performance.now();
    const rendered = await renderFigures(figures);
    const timings = { queryMs: queried - started, svgMs: performance.now() - queried };
    const counts = ['completed', 'failed', 'cancelled'].map((s) => `${runs.filter((r) => r.status === s).length} ${s}`).join(', ');
    const body = (fs: typeof rendered) => [
      section('Sweep', facts([['folder', dir], ['runs', `${runs.length} (${counts})`], ['varied', parameterColumns(columns).join(', ') || 'nothing']])),
      section('Figures', fs.map(figure).join('')),
      section('Failed runs', failedTable(runs, columns)),
      section('Runs', runsTable(dir, outDir, runs, columns, runPages)),
    ].join('');
    const sweepPage = await writePage(outDir, opts.formats, rendered, (fs) => page(`Sweep report: ${dir.split('/').pop()}`, body(fs)), timings);
    return { page: sweepPage, runPages };
  } finally {
    results.close();
  }
}
