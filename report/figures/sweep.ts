// A sweep's figures: a metric's heatmap over two varied parameters (mean over seeds, ± sd and n in
// each cell), and each population's rate against each varied parameter.
import type { Figure } from '../render.js';
import { caption, emptyPanel } from './common.js';

export interface HeatmapCell {
  x: number;
  y: number;
  mean: number | null;
  sd: number | null;
  n: number;
}

const fixed = (v: number | null) => (v === null ? '—' : Number(v.toPrecision(3)).toString());

export function heatmapFigure(metric: string, x: string, y: string, cells: HeatmapCell[]): Figure {
  const title = `${metric} over ${x} × ${y}`;
  if (cells.length === 0) return { id: 'heatmap', title, spec: emptyPanel('no completed run has this metric') };
  const values = cells.map((c) => ({ ...c, label: `${fixed(c.mean)} ± ${fixed(c.sd)}`, count: `n = ${c.n}` }));
  const position = { x: { field: 'x', type: 'ordinal', title: x, axis: { labelAngle: 0 } }, y: { field: 'y', type: 'ordinal', title: y, sort: 'descending' } };
  return {
    id: 'heatmap', title,
    spec: {
      title: caption('mean over seeds ± sd (n runs) per parameter point'),
      width: { step: 110 }, height: { step: 56 },
      data: { values },
      encoding: position,
      layer: [
        { mark: 'rect', encoding: { color: { field: 'mean', type: 'quantitative', title: metricLabel(metric), scale: { scheme: 'blues' } } } },
        { mark: { type: 'text', dy: -7, fontSize: 12 }, encoding: { text: { field: 'label' }, color: { condition: { test: 'datum.mean > (domain("color")[0] + domain("color")[1]) / 2', value: 'white' }, value: 'black' } } },
        { mark: { type: 'text', dy: 9, fontSize: 10 }, encoding: { text: { field: 'count' }, color: { condition: { test: 'datum.mean > (domain("color")[0] + domain("color")[1]) / 2', value: 'white' }, value: '#333' } } },
      ],
    },
  };
}

/** runs.parquet's column names with their units (rate_<pop>_hz → "rate_<pop>_hz (Hz)"). */
export function metricLabel(column: string): string {
  if (column.endsWith('_hz')) return `${column} (Hz)`;
  if (column.endsWith('_ms')) return `${column} (ms)`;
  return column;
}

export interface RatePoint {
  value: number;
  population: string;
  mean: number | null;
  sd: number | null;
  n: number;
}

export function rateVsParameterFigure(parameter: string, points: RatePoint[]): Figure {
  const title = `Mean rate per population against ${parameter}`;
  const id = `rate-vs-${parameter}`;
  if (points.every((p) => p.mean === null)) return { id, title, spec: emptyPanel('no completed run recorded spikes') };
  const values = points.map((p) => ({ ...p, low: p.mean === null ? null : p.mean - (p.sd ?? 0), high: p.mean === null ? null : p.mean + (p.sd ?? 0) }));
  const x = { field: 'value', type: 'quantitative', title: parameter, scale: { zero: false } };
  return {
    id, title,
    spec: {
      title: caption('mean over runs at each value (other parameters and seeds pooled) ± sd'),
      width: 340, height: 200,
      data: { values },
      layer: [
        { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'rate (Hz)' }, color: { field: 'population', type: 'nominal' } } },
        { mark: 'errorbar', encoding: { x, y: { field: 'low', type: 'quantitative', title: 'rate (Hz)' }, y2: { field: 'high' }, color: { field: 'population', type: 'nominal' } } },
      ],
    },
  };
}
