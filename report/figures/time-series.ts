// Figures over time: the population rate of each population, and traces of monitored variables
// drawn as a min–max band per pixel column (a line where they meet) so long traces stay small.
import type { Binning, Smoothing } from '../../analysis/spike-trains.js';
import type { Figure } from '../render.js';
import type { TraceColumn } from '../run-data.js';
import { caption, emptyPanel, phaseLayers, PLOT, timeAxis, type Phase } from './common.js';

export function populationRateFigure(population: string, rates: Float64Array | null, binning: Binning, smoothing: Smoothing, phases: Phase[]): Figure {
  const title = `Population rate: ${population}`;
  const id = `rate-${population}`;
  if (!rates) return { id, title, spec: emptyPanel(`population ${population} has no spikes`) };
  const values = Array.from(rates, (rate, i) => ({ t: binning.startMs + (i + 0.5) * binning.binMs, rate }));
  return {
    id, title,
    spec: {
      title: caption(`bins of ${binning.binMs} ms, ${smoothing.window} smoothing of ${smoothing.widthMs} ms`),
      width: PLOT.width, height: PLOT.height * 0.7,
      layer: [
        { data: { values }, mark: { type: 'line', strokeWidth: 1.2 }, encoding: { x: { field: 't', type: 'quantitative', ...timeAxis(binning.endMs) }, y: { field: 'rate', type: 'quantitative', title: 'rate (Hz)' } } },
        ...phaseLayers(phases),
      ],
    },
  };
}

/** Units of the variables whose units every built-in model shares. */
const UNITS: Record<string, string> = { v: 'mV' };
export const variableLabel = (variable: string) => (UNITS[variable] ? `${variable} (${UNITS[variable]})` : variable);

export function traceFigure(population: string, variable: string, columns: TraceColumn[], durationMs: number, phases: Phase[]): Figure {
  const neurons = [...new Set(columns.map((c) => c.neuron))];
  // A phase that does not record cuts each neuron's trace: its ends are not joined across time with no samples.
  const cuts = phases.filter((p) => p.record === false).map((p) => p.endMs);
  const values = columns.map((c) => ({ ...c, neuron: `neuron ${c.neuron}`, part: `${c.neuron}:${cuts.filter((end) => end <= c.t).length}` }));
  return {
    id: `trace-${population}-${variable}`,
    title: `Trace: ${population}.${variable}`,
    spec: {
      title: caption(`${neurons.length} recorded neuron${neurons.length === 1 ? '' : 's'}; min–max per pixel column`),
      width: PLOT.width, height: PLOT.height * 0.8,
      layer: [
        {
          data: { values }, mark: { type: 'area', opacity: 0.8, line: { strokeWidth: 0.6 } },
          encoding: {
            x: { field: 't', type: 'quantitative', ...timeAxis(durationMs) },
            y: { field: 'min', type: 'quantitative', title: variableLabel(variable), scale: { zero: false } },
            y2: { field: 'max' },
            color: { field: 'neuron', type: 'nominal', title: null },
            detail: { field: 'part', type: 'nominal' },
          },
        },
        ...phaseLayers(phases),
      ],
    },
  };
}
