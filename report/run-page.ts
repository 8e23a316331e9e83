// A run's page: raster (density + exact subset), population rates, traces, ISI and CV histograms,
// and the manifest's parameters, seed, phases and timings.
import type { DuckDBConnection } from '@duckdb/node-api';
import { binCount, populationCv, rateFromCounts, smooth, type Binning, type Smoothing } from '../analysis/spike-trains.js';
import { cvFigure, isiFigure } from './figures/distributions.js';
import { densityRaster, exactRaster } from './figures/raster.js';
import { populationRateFigure, traceFigure } from './figures/time-series.js';
import { PLOT } from './figures/common.js';
import { facts, figure, page, section, table } from './html.js';
import type { Format } from './formats.js';
import { renderFigures, writePage, type PageFiles } from './output.js';
import type { Figure } from './render.js';
import { binnedCounts, cvPerNeuron, densityGrid, isiHistogram, rasterRows, rasterSubset, traceColumns } from './run-data.js';
import type { RunSource } from './run-source.js';

export interface RunPageOptions {
  formats: Format[];
  /** Most spikes drawn exactly in the raster subset (0: density only). */
  rasterCap: number;
}

/** Traced neurons per monitored variable. */
const TRACED_NEURONS = 5;
const ISI_BINS = 50;

/** A bin width of 1, 2 or 5 × 10^k ms giving about `count` bins over the duration, no finer than dt. */
export function niceBin(durationMs: number, count: number, dt: number): number {
  const raw = Math.max(dt, durationMs / count);
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((w) => w >= raw)!;
}

async function runFigures(con: DuckDBConnection, run: RunSource, opts: RunPageOptions): Promise<{ figures: Figure[]; cv: Map<string, number | null> }> {
  const { manifest } = run;
  const duration = manifest.report.simulatedMs;
  const phases = manifest.phases;
  const rows = rasterRows(manifest);
  const spikes = rows.reduce((n, r) => n + (manifest.report.populations[r.population].spikes ?? 0), 0);
  const figures: Figure[] = [
    densityRaster(await densityGrid(con, run.spikes, rows, duration, PLOT.width, PLOT.height), rows, duration, phases, spikes),
    exactRaster(await rasterSubset(con, run.spikes, rows, opts.rasterCap), rows, duration, phases),
  ];
  const binning: Binning = { startMs: 0, endMs: duration, binMs: niceBin(duration, 400, manifest.dt) };
  const smoothing: Smoothing = { window: 'gaussian', widthMs: 2 * binning.binMs };
  const counts = await binnedCounts(con, run.spikes, binning, binCount(binning));
  for (const r of rows) {
    const c = counts.get(r.population);
    figures.push(populationRateFigure(r.population, c ? smooth(rateFromCounts(c, r.recorded, binning), smoothing, binning.binMs) : null, binning, smoothing, phases));
  }
  if (run.state) {
    const columns = await traceColumns(con, run.state, duration, PLOT.width, TRACED_NEURONS);
    const groups = new Map<string, typeof columns>();
    for (const c of columns) {
      const key = `${c.population}\u0000${c.variable}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(c);
    }
    for (const [key, group] of groups) {
      const [population, variable] = key.split('\u0000');
      figures.push(traceFigure(population, variable, group, duration, phases));
    }
  }
  figures.push(isiFigure(await isiHistogram(con, run.spikes, ISI_BINS)));
  const cvs = await cvPerNeuron(con, run.spikes);
  figures.push(cvFigure(cvs));
  // runs.parquet's cv_isi_<pop>, from the per-neuron CVs plotted above.
  const cv = new Map(rows.map((r) => [r.population, populationCv(cvs.get(r.population) ?? [])]));
  return { figures, cv };
}

const round = (x: number | null, digits = 3) => (x === null ? null : Number(x.toPrecision(digits)));

function runTables(run: RunSource, cv: Map<string, number | null>): string {
  const { manifest } = run;
  const r = manifest.report;
  const runFacts: [string, string | number | null][] = [
    ['run', r.runId], ['network', manifest.spec.name ?? null], ['seed', r.seed], ['backend', r.backend], ['threads', r.threads],
    ['simulated (ms)', r.simulatedMs], ['dt (ms)', manifest.dt], ['wall time of the session (ms)', manifest.timings?.sessionWallMs ?? null],
    ['host', manifest.host ? `${manifest.host.cpuModel} × ${manifest.host.cpus}` : null], ['finished', manifest.createdAt ?? null],
  ];
  const values = Object.entries(run.values);
  return [
    values.length ? section('Parameters', table(['parameter', 'value'], values)) : '',
    section('Run', facts(runFacts)),
    section('Populations', table(['population', 'neurons', 'spikes', 'mean rate (Hz)', 'mean CV of ISI'], Object.entries(r.populations).map(([name, p]) => [name, p.size, p.spikes, round(p.meanRateHz), round(cv.get(name) ?? null)]))),
    section('Phases', table(['phase', 'from (ms)', 'to (ms)', 'recorded'], manifest.phases.map((p) => [p.name, p.startMs, p.endMs, p.record ? 'yes' : 'no']))),
    section('Timings (ms)', table(Object.keys(r.timings), [Object.values(r.timings)])),
  ].join('');
}

/** Renders the run's page into `dir`. */
export async function writeRunPage(con: DuckDBConnection, run: RunSource, dir: string, opts: RunPageOptions): Promise<PageFiles> {
  const started = performance.now();
  const { figures, cv } = await runFigures(con, run, opts);
  const queried = performance.now();
  const rendered = await renderFigures(figures);
  const timings = { queryMs: queried - started, svgMs: performance.now() - queried };
  return writePage(dir, opts.formats, rendered, (fs) => page(`Run report: ${run.label}`, runTables(run, cv) + section('Figures', fs.map(figure).join(''))), timings);
}
