// Distributions over neurons: the inter-spike intervals and the CV of ISI of each population.
import type { Figure } from '../render.js';
import type { HistogramBar } from '../run-data.js';
import { emptyPanel, PLOT } from './common.js';

function barSpec(bars: HistogramBar[], x: string, y: string): Record<string, unknown> {
  return {
    width: PLOT.width, height: PLOT.height * 0.7,
    data: { values: bars },
    mark: { type: 'bar', opacity: 0.7, binSpacing: 0 },
    encoding: {
      x: { field: 'from', type: 'quantitative', title: x, bin: { binned: true } },
      x2: { field: 'to' },
      y: { field: 'count', type: 'quantitative', title: y, stack: null },
      color: { field: 'population', type: 'nominal' },
    },
  };
}

export function isiFigure(bars: HistogramBar[]): Figure {
  const title = 'Inter-spike intervals';
  if (bars.length === 0) return { id: 'isi', title, spec: emptyPanel('no neuron fired twice') };
  return { id: 'isi', title, spec: barSpec(bars, 'inter-spike interval (ms)', 'intervals') };
}

/** CVs binned in steps of 0.05 from 0. */
export function cvFigure(cvs: Map<string, Float64Array>): Figure {
  const title = 'CV of inter-spike intervals per neuron';
  const width = 0.05;
  const bars: HistogramBar[] = [];
  for (const [population, values] of cvs) {
    const counts = new Map<number, number>();
    for (const cv of values) counts.set(Math.floor(cv / width), (counts.get(Math.floor(cv / width)) ?? 0) + 1);
    for (const [bin, count] of counts) bars.push({ population, from: bin * width, to: (bin + 1) * width, count });
  }
  if (bars.length === 0) return { id: 'cv-isi', title, spec: emptyPanel('no neuron fired 3 times or more') };
  return { id: 'cv-isi', title, spec: barSpec(bars, 'CV of ISI', 'neurons') };
}
