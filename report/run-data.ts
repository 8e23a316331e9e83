// What a run's page plots, aggregated by DuckDB over the run's Parquet rows so that a page costs
// the same whatever the spike count: the raster binned to the figure's pixel grid, a capped subset
// of exact spikes, binned population counts, min/max of traces per pixel column, ISIs and CVs.
import type { DuckDBConnection } from '@duckdb/node-api';
import { binIndexSql, isiPerNeuronSql, isiSql, type Binning } from '../analysis/spike-trains.js';
import { sqlDouble as double, sqlString } from '../results/sql.js';
import type { RunManifest } from './run-source.js';

/** A population whose spikes were recorded, stacked in the raster from row `offset`. */
export interface RasterRow {
  population: string;
  size: number;
  /** Neurons its spike monitors record (their views, or the whole population). */
  recorded: number;
  /** Milliseconds recorded (null in runs before it: the whole run). */
  recordedMs: number | null;
  offset: number;
}

/** The populations with recorded spikes, in the manifest's order, stacked. */
export function rasterRows(manifest: RunManifest): RasterRow[] {
  const rows: RasterRow[] = [];
  let offset = 0;
  for (const [population, report] of Object.entries(manifest.report.populations)) {
    if (report.spikes === null) continue;
    // Runs before recordedNeurons: a view's size (two monitors of one population merge their views).
    const monitor = manifest.spec.monitors.find((m) => m.target === population && m.variables.includes('spike'));
    rows.push({ population, size: report.size, recorded: report.recordedNeurons ?? monitor?.indices?.length ?? report.size, recordedMs: report.recordedMs ?? null, offset });
    offset += report.size;
  }
  return rows;
}

/** The row of a spike in the stacked raster (population offset + neuron), as SQL. */
function rowSql(rows: RasterRow[]): string {
  if (rows.length === 0) return 'neuron';
  return `(CASE population ${rows.map((r) => `WHEN ${sqlString(r.population)} THEN ${r.offset}`).join(' ')} END + neuron)`;
}

const numbers = (values: unknown[]) => Float64Array.from(values, Number);

/** Spike counts on a width × height grid (row 0 at the top = the last raster row). */
export async function densityGrid(con: DuckDBConnection, spikes: string, rows: RasterRow[], durationMs: number, width: number, height: number): Promise<Float64Array> {
  const total = rows.reduce((n, r) => n + r.size, 0);
  const grid = new Float64Array(width * height);
  if (total === 0 || durationMs <= 0) return grid;
  const reader = await con.runAndReadAll(`
    SELECT CAST(least(${width - 1}, floor(t_ms * ${double(width / durationMs)})) AS INTEGER) AS x,
           CAST(least(${height - 1}, floor(${rowSql(rows)} * ${double(height / total)})) AS INTEGER) AS y, CAST(count(*) AS DOUBLE) AS n
    FROM ${spikes} WHERE t_ms >= 0 AND t_ms < ${double(durationMs)} GROUP BY ALL`);
  const { x, y, n } = reader.getColumnsObjectJS();
  for (let k = 0; k < x.length; k++) grid[(height - 1 - Number(y[k])) * width + Number(x[k])] = Number(n[k]);
  return grid;
}

export interface RasterSubset {
  /** Every stride-th raster row is shown. */
  stride: number;
  shownNeurons: number;
  totalNeurons: number;
  times: Float64Array;
  rows: Float64Array;
}

/** The spikes of every stride-th raster row, with the smallest stride that keeps them within `cap`. */
export async function rasterSubset(con: DuckDBConnection, spikes: string, rows: RasterRow[], cap: number): Promise<RasterSubset> {
  const totalNeurons = rows.reduce((n, r) => n + r.size, 0);
  // Spikes per raster row: the smallest stride whose rows hold at most `cap` spikes (an even spread
  // over the rows would give ceil(total / cap); busy rows can need more).
  const counted = (await con.runAndReadAll(`SELECT CAST(${rowSql(rows)} AS DOUBLE) AS r, CAST(count(*) AS DOUBLE) AS n FROM ${spikes} GROUP BY ALL`)).getColumnsObjectJS();
  const perRow = counted.r.map((r, k) => [Number(r), Number(counted.n[k])] as const);
  const total = perRow.reduce((sum, [, n]) => sum + n, 0);
  const spikesAt = (stride: number) => perRow.reduce((sum, [r, n]) => (r % stride === 0 ? sum + n : sum), 0);
  let stride = cap <= 0 ? 0 : Math.max(1, Math.ceil(total / cap));
  // Row 0 is in every stride's rows: past the cap alone, no stride fits. Strides grow by one, then double.
  const row0 = perRow.find(([r]) => r === 0)?.[1] ?? 0;
  for (let tries = 0; stride > 0 && stride < totalNeurons && row0 <= cap && spikesAt(stride) > cap; tries++) stride = tries < 32 ? stride + 1 : stride * 2;
  stride = Math.min(stride, Math.max(1, totalNeurons));
  if (stride === 0 || totalNeurons === 0) return { stride, shownNeurons: 0, totalNeurons, times: new Float64Array(), rows: new Float64Array() };
  const reader = await con.runAndReadAll(`
    SELECT t_ms, CAST(r AS DOUBLE) AS r FROM (SELECT t_ms, ${rowSql(rows)} AS r FROM ${spikes}) WHERE r % ${stride} = 0`);
  const columns = reader.getColumnsObjectJS();
  return { stride, shownNeurons: Math.ceil(totalNeurons / stride), totalNeurons, times: numbers(columns.t_ms), rows: numbers(columns.r) };
}

/** Spike counts per bin for each population (absent: no spikes in the window). */
export async function binnedCounts(con: DuckDBConnection, spikes: string, binning: Binning, bins: number): Promise<Map<string, Float64Array>> {
  const reader = await con.runAndReadAll(`
    SELECT population, ${binIndexSql('t_ms', binning)} AS bin, CAST(count(*) AS DOUBLE) AS n
    FROM ${spikes} WHERE t_ms >= ${double(binning.startMs)} AND t_ms < ${double(binning.endMs)} GROUP BY ALL`);
  const { population, bin, n } = reader.getColumnsObjectJS();
  const out = new Map<string, Float64Array>();
  for (let k = 0; k < population.length; k++) {
    const name = String(population[k]);
    if (!out.has(name)) out.set(name, new Float64Array(bins));
    out.get(name)![Number(bin[k])] = Number(n[k]);
  }
  return out;
}

export interface TraceColumn {
  population: string;
  variable: string;
  neuron: number;
  t: number;
  min: number;
  max: number;
}

/** Min and max of each monitored variable per pixel column, for the first `perVariable` neurons of each. */
export async function traceColumns(con: DuckDBConnection, state: string, durationMs: number, width: number, perVariable: number): Promise<TraceColumn[]> {
  const reader = await con.runAndReadAll(`
    WITH shown AS (
      SELECT population, variable, neuron FROM (SELECT DISTINCT population, variable, neuron FROM ${state})
      QUALIFY row_number() OVER (PARTITION BY population, variable ORDER BY neuron) <= ${perVariable})
    SELECT population, variable, neuron, CAST(least(${width - 1}, floor(t_ms * ${double(width / durationMs)})) AS INTEGER) AS px,
      min(t_ms) AS t, min(value) AS min, max(value) AS max
    FROM ${state} SEMI JOIN shown USING (population, variable, neuron)
    GROUP BY ALL ORDER BY population, variable, neuron, px`);
  return (reader.getRowObjectsJS() as Record<string, unknown>[]).map((r) => ({
    population: String(r.population), variable: String(r.variable), neuron: Number(r.neuron), t: Number(r.t), min: Number(r.min), max: Number(r.max),
  }));
}

export interface HistogramBar {
  population: string;
  from: number;
  to: number;
  count: number;
}

/** Histogram of the inter-spike intervals of each population, `bins` bins up to their 99th percentile. */
export async function isiHistogram(con: DuckDBConnection, spikes: string, bins: number): Promise<HistogramBar[]> {
  const isi = `(${isiSql(spikes)})`;
  const top = Number((await con.runAndReadAll(`SELECT quantile_cont(isi, 0.99) AS q FROM ${isi} WHERE isi IS NOT NULL`)).getColumnsObjectJS().q[0] ?? 0);
  if (!(top > 0)) return [];
  const width = top / bins;
  const reader = await con.runAndReadAll(`
    SELECT population, CAST(least(${bins - 1}, floor(isi / ${double(width)})) AS INTEGER) AS bin, CAST(count(*) AS DOUBLE) AS n
    FROM ${isi} WHERE isi IS NOT NULL AND isi <= ${double(top)} GROUP BY ALL ORDER BY population, bin`);
  return (reader.getRowObjectsJS() as Record<string, unknown>[]).map((r) => ({ population: String(r.population), from: Number(r.bin) * width, to: (Number(r.bin) + 1) * width, count: Number(r.n) }));
}

/** The CV of ISI of every neuron that has one, per population. */
export async function cvPerNeuron(con: DuckDBConnection, spikes: string): Promise<Map<string, Float64Array>> {
  const reader = await con.runAndReadAll(`SELECT population, cv FROM (${isiPerNeuronSql(spikes)}) WHERE cv IS NOT NULL ORDER BY population, neuron`);
  const { population, cv } = reader.getColumnsObjectJS();
  const out = new Map<string, number[]>();
  for (let k = 0; k < population.length; k++) {
    const name = String(population[k]);
    if (!out.has(name)) out.set(name, []);
    out.get(name)!.push(Number(cv[k]));
  }
  return new Map([...out].map(([name, values]) => [name, Float64Array.from(values)]));
}
