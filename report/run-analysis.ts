// The Monitor API's spike-train analyses (network/api/monitor.ts) for a run on disk — a
// `spikesweep run` output folder or a sweep's runs/run=<i> — read from its Parquet rows: DuckDB
// counts spikes per bin and per neuron and computes the ISIs over the files, and rates, smoothing
// and CVs follow the same definitions (analysis/spike-trains.ts), so a run analysed here and the
// same run's Monitor give the same numbers.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { loadDuckDB } from '../engine/parquet/duckdb.js';
import { binCount, coefficientOfVariation, isiSql, meanRate, rateFromCounts, smooth, type Binning, type Smoothing } from '../analysis/spike-trains.js';
import { sqlDouble as double, sqlString } from '../results/sql.js';
import { ReportInputError } from './errors.js';
import { binnedCounts, rasterRows, type RasterRow } from './run-data.js';
import { loadRunSource, type RunSource } from './run-source.js';

/** A time window [startMs, endMs) in ms: by default the whole run. */
export interface AnalysisWindow {
  startMs?: number;
  endMs?: number;
}

export class RunAnalysis {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly con: DuckDBConnection,
    readonly run: RunSource,
    private readonly recorded: Map<string, RasterRow>,
  ) {}

  /** Opens the run in `dir`; close() it when done. */
  static async open(dir: string): Promise<RunAnalysis> {
    const run = loadRunSource(dir);
    const { DuckDBInstance } = await loadDuckDB();
    const db = await DuckDBInstance.create(':memory:', { threads: '1' });
    return new RunAnalysis(db, await db.connect(), run, new Map(rasterRows(run.manifest).map((r) => [r.population, r])));
  }

  /** The populations whose spikes were recorded. */
  get populations(): string[] {
    return [...this.recorded.keys()];
  }

  get durationMs(): number {
    return this.run.manifest.report.simulatedMs;
  }

  /** The raster: spike times (ms) and neuron indices, in time order. */
  async raster(population: string): Promise<{ times: Float64Array; neurons: Int32Array }> {
    const { t_ms, neuron } = await this.columns(`SELECT t_ms, neuron FROM ${this.rowsOf(population)} ORDER BY t_ms, neuron`);
    return { times: Float64Array.from(t_ms, Number), neurons: Int32Array.from(neuron, Number) };
  }

  /** Spike counts per bin of binMs over the window. */
  async histogram(population: string, binMs: number, window: AnalysisWindow = {}): Promise<Float64Array> {
    const b = this.binning(binMs, window);
    const counts = await binnedCounts(this.con, this.rowsOf(population), b, binCount(b));
    return counts.get(population) ?? new Float64Array(binCount(b));
  }

  /** Rate per recorded neuron in bins of binMs, Hz, optionally smoothed (gaussian or flat). */
  async populationRate(population: string, binMs: number, opts: AnalysisWindow & { smooth?: Smoothing } = {}): Promise<Float64Array> {
    const b = this.binning(binMs, opts);
    const rates = rateFromCounts(await this.histogram(population, binMs, opts), this.row(population).recorded, b);
    return opts.smooth ? smooth(rates, opts.smooth, binMs) : rates;
  }

  /**
   * Mean rate of the recorded neurons over the window, Hz (null for an empty window). Without a
   * window: over the time recorded, as the run's manifest and runs.parquet count it (a phase that
   * does not record, or time before the monitor's start, is not time the neurons were silent).
   */
  async meanFiringRate(population: string, window: AnalysisWindow = {}): Promise<number | null> {
    const { startMs, endMs } = this.span(window);
    const { n } = await this.columns(`SELECT count(*) AS n FROM ${this.rowsOf(population)} WHERE t_ms >= ${double(startMs)} AND t_ms < ${double(endMs)}`);
    const row = this.row(population);
    const whole = window.startMs === undefined && window.endMs === undefined && row.recordedMs !== null;
    return meanRate(Number(n[0]), row.recorded, whole ? row.recordedMs! : endMs - startMs);
  }

  /** Mean rate of each neuron of the population over the window, Hz (index = neuron; unrecorded ones read 0). */
  async meanRatePerNeuron(population: string, window: AnalysisWindow = {}): Promise<Float64Array> {
    const { startMs, endMs } = this.span(window);
    const rates = new Float64Array(this.row(population).size);
    const { neuron, n } = await this.columns(`SELECT neuron, count(*) AS n FROM ${this.rowsOf(population)} WHERE t_ms >= ${double(startMs)} AND t_ms < ${double(endMs)} GROUP BY neuron`);
    neuron.forEach((j, i) => (rates[Number(j)] = meanRate(Number(n[i]), 1, endMs - startMs) ?? 0));
    return rates;
  }

  /** Inter-spike intervals (ms) of each neuron that fired at least twice, by neuron. */
  async isi(population: string): Promise<Map<number, Float64Array>> {
    const { neuron, isi } = await this.columns(`SELECT neuron, isi FROM (${isiSql(this.rowsOf(population))}) WHERE isi IS NOT NULL ORDER BY neuron`);
    const trains = new Map<number, number[]>();
    neuron.forEach((j, i) => {
      const train = trains.get(Number(j)) ?? [];
      train.push(Number(isi[i]));
      trains.set(Number(j), train);
    });
    return new Map([...trains].map(([j, train]) => [j, Float64Array.from(train)]));
  }

  /** CV of the inter-spike intervals of each neuron that fired at least 3 times. */
  async cvIsi(population: string): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const [neuron, intervals] of await this.isi(population)) {
      const cv = coefficientOfVariation(intervals);
      if (cv !== null) out.set(neuron, cv);
    }
    return out;
  }

  close(): void {
    this.con.closeSync();
    this.db.closeSync();
  }

  private row(population: string): RasterRow {
    const row = this.recorded.get(population);
    if (!row) throw new ReportInputError(`${this.run.label}: no spikes of population '${population}' were recorded (recorded: ${this.populations.join(', ') || 'none'})`);
    return row;
  }

  /** The population's spike rows, as a table expression (refused for a population without recorded spikes). */
  private rowsOf(population: string): string {
    return `(SELECT * FROM ${this.run.spikes} WHERE population = ${sqlString(this.row(population).population)})`;
  }

  private span(window: AnalysisWindow): { startMs: number; endMs: number } {
    return { startMs: window.startMs ?? 0, endMs: window.endMs ?? this.durationMs };
  }

  private binning(binMs: number, window: AnalysisWindow): Binning {
    return { ...this.span(window), binMs };
  }

  private async columns(sql: string): Promise<Record<string, unknown[]>> {
    return (await this.con.runAndReadAll(sql)).getColumnsObjectJS() as Record<string, unknown[]>;
  }
}
