// What the figures share: their size, the phase marks on time axes and the empty panel.
import type { VegaLite } from '../render.js';

/** Plot area of a figure, CSS pixels; the raster's density image has one bin per pixel. */
export const PLOT = { width: 720, height: 220 } as const;

/** A protocol phase of a run, as its manifest records it. */
export interface Phase {
  name: string;
  startMs: number;
  endMs: number;
  /** Whether the monitors record in it (absent: they do). */
  record?: boolean;
}

/** Rules at the start of every phase but the first, labelled with its name (empty without phases). */
export function phaseLayers(phases: Phase[]): VegaLite[] {
  if (phases.length < 2) return [];
  const values = phases.map((p) => ({ phase: p.name, t: p.startMs }));
  return [
    { data: { values }, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { field: 't', type: 'quantitative' } } },
    { data: { values }, mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, color: '#555', fontSize: 10 }, encoding: { x: { field: 't', type: 'quantitative' }, y: { value: 0 }, text: { field: 'phase' } } },
  ];
}

/** A line of explanation above the plot (the figure's heading is the page's). */
export const caption = (text: string) => ({ text, fontSize: 11, fontWeight: 'normal', anchor: 'start', color: '#444' });

/** The time axis of a run, ms, over its whole duration. */
export const timeAxis = (durationMs: number) => ({ title: 'time (ms)', scale: { domain: [0, durationMs], nice: false, zero: false } });

/** A panel with nothing to plot, saying why. */
export function emptyPanel(message: string): VegaLite {
  return {
    width: PLOT.width, height: 60,
    data: { values: [{ message }] },
    mark: { type: 'text', fontSize: 14, color: '#666' },
    encoding: { text: { field: 'message' } },
    view: { stroke: '#ddd' },
  };
}
