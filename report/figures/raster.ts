// The raster: a density image of every spike binned to the plot's pixel grid (resvg refuses SVGs
// of ~1M nodes, and a page of 1M ticks is unreadable anyway), and exact ticks for a neuron subset,
// drawn as one SVG path inside an image so that 50k ticks stay one node.
import { encodePng } from '../png.js';
import type { Figure, VegaLite } from '../render.js';
import type { RasterRow, RasterSubset } from '../run-data.js';
import { caption, emptyPanel, phaseLayers, PLOT, timeAxis, type Phase } from './common.js';

/** White to dark blue on a log scale of spikes per pixel. */
function colour(count: number, max: number): [number, number, number] {
  const f = Math.log1p(count) / Math.log1p(max);
  return [Math.round(255 - f * 247), Math.round(255 - f * 207), Math.round(255 - f * 148)];
}

function densityPng(grid: Float64Array, width: number, height: number): Buffer {
  const max = grid.reduce((m, v) => Math.max(m, v), 0);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < grid.length; i++) {
    const [r, g, b] = grid[i] > 0 ? colour(grid[i], max) : [255, 255, 255];
    rgba.set([r, g, b, 255], i * 4);
  }
  return encodePng(width, height, rgba);
}

/** An image spanning the plot area over axes of time × raster row, with population bounds and phases. */
function rasterSpec(image: string, rows: RasterRow[], durationMs: number, phases: Phase[], subtitle: string): VegaLite {
  const totalRows = rows.reduce((n, r) => n + r.size, 0);
  const y = { field: 'row', type: 'quantitative', title: 'neuron', scale: { domain: [0, totalRows], nice: false } };
  const bounds = rows.map((r) => ({ row: r.offset, label: r.population }));
  return {
    title: caption(subtitle),
    width: PLOT.width, height: PLOT.height,
    layer: [
      { data: { values: [{ t: 0, row: 0 }, { t: durationMs, row: totalRows }] }, mark: { type: 'point', opacity: 0 }, encoding: { x: { field: 't', type: 'quantitative', ...timeAxis(durationMs) }, y } },
      { data: { values: [{ url: image }] }, mark: { type: 'image', width: PLOT.width, height: PLOT.height, aspect: false, align: 'left', baseline: 'top' }, encoding: { x: { value: 0 }, y: { value: 0 }, url: { field: 'url', type: 'nominal' } } },
      { data: { values: bounds }, mark: { type: 'rule', color: '#c33', opacity: 0.6 }, encoding: { y: { field: 'row', type: 'quantitative' } } },
      { data: { values: bounds }, mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -3, dy: -2, color: '#c33', fontSize: 10 }, encoding: { y: { field: 'row', type: 'quantitative' }, x: { value: PLOT.width }, text: { field: 'label' } } },
      ...phaseLayers(phases),
    ],
  };
}

export function densityRaster(grid: Float64Array, rows: RasterRow[], durationMs: number, phases: Phase[], spikes: number): Figure {
  const title = 'Raster (density of all spikes)';
  if (spikes === 0) return { id: 'raster-density', title, spec: emptyPanel('no spikes recorded in this run') };
  const image = `data:image/png;base64,${densityPng(grid, PLOT.width, PLOT.height).toString('base64')}`;
  return { id: 'raster-density', title, spec: rasterSpec(image, rows, durationMs, phases, `${spikes} spikes; darker = more spikes per pixel (${(durationMs / PLOT.width).toPrecision(3)} ms × ${(rows.reduce((n, r) => n + r.size, 0) / PLOT.height).toPrecision(3)} neurons)`) };
}

export function exactRaster(subset: RasterSubset, rows: RasterRow[], durationMs: number, phases: Phase[]): Figure {
  const title = 'Raster (exact spikes of a neuron subset)';
  const label = `${subset.shownNeurons} of ${subset.totalNeurons} neurons shown`;
  if (subset.times.length === 0) return { id: 'raster-exact', title, spec: emptyPanel(subset.stride === 0 ? 'exact raster turned off' : `${label}: no spikes`) };
  const sx = PLOT.width / durationMs;
  const sy = PLOT.height / subset.totalNeurons;
  const tick = Math.max(1, sy * subset.stride * 0.8).toFixed(2);
  let path = '';
  for (let k = 0; k < subset.times.length; k++) path += `M${(subset.times[k] * sx).toFixed(1)} ${(PLOT.height - (subset.rows[k] + 1) * sy).toFixed(1)}v${tick}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${PLOT.width}" height="${PLOT.height}" viewBox="0 0 ${PLOT.width} ${PLOT.height}"><path d="${path}" stroke="#123" stroke-width="0.8" fill="none"/></svg>`;
  const image = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  return { id: 'raster-exact', title, spec: rasterSpec(image, rows, durationMs, phases, `${label} (every ${subset.stride === 1 ? '' : `${ordinal(subset.stride)} `}neuron; ${subset.times.length} spikes)`) };
}

/** 2nd, 3rd, 11th, 21st, 23rd, … */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;
}
