// Each population's CV of inter-spike intervals, kept as the run's spike windows go by (live, and
// replayed on a resume, exactly as the spike hash): a run reports it, so a sweep's runs.parquet
// does not read every run's spike parts back to compute cv_isi_<population>. The definition is
// analysis/spike-trains.ts's: per neuron with at least MIN_INTERVALS_FOR_CV intervals, the
// population standard deviation of its ISIs over their mean; a population's CV is the mean over
// those neurons. Welford's update keeps it one pass over the rows, in memory per neuron.
import { MIN_INTERVALS_FOR_CV, populationCv } from '../analysis/spike-trains.js';
import type { SpikeWindowBatch } from './spike-hash.js';

interface NeuronStats {
  /** t_ms of each neuron's last spike (NaN: none yet). */
  last: Float64Array;
  intervals: Int32Array;
  mean: Float64Array;
  /** Sum of squared deviations from the mean (Welford). */
  m2: Float64Array;
}

const grown = <T extends Float64Array | Int32Array>(a: T, size: number, fill: number): T => {
  if (a.length >= size) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(size, 2 * a.length));
  next.fill(fill);
  next.set(a);
  return next;
};

/** Each neuron's CV (population standard deviation of its ISIs over their mean), for those with enough intervals. */
function* neuronCvs(s: NeuronStats): Generator<number> {
  for (let k = 0; k < s.intervals.length; k++) {
    if (s.intervals[k] >= MIN_INTERVALS_FOR_CV) yield Math.sqrt(s.m2[k] / s.intervals[k]) / s.mean[k];
  }
}

export class IsiStats {
  private readonly populations = new Map<string, NeuronStats>();

  /** `dt` is the run's time step: t_ms = step × dt, as the spike writer and the hash compute it. */
  constructor(private readonly dt: number) {}

  /** Adds one step window (each population's batch sorted by step, after all earlier windows). */
  update(window: SpikeWindowBatch[]): void {
    for (const { population, neurons, steps } of window) {
      let s = this.populations.get(population);
      if (!s) this.populations.set(population, (s = { last: new Float64Array(0), intervals: new Int32Array(0), mean: new Float64Array(0), m2: new Float64Array(0) }));
      let top = 0;
      for (let i = 0; i < neurons.length; i++) top = Math.max(top, neurons[i] + 1);
      s.last = grown(s.last, top, NaN);
      s.intervals = grown(s.intervals, top, 0);
      s.mean = grown(s.mean, top, 0);
      s.m2 = grown(s.m2, top, 0);
      for (let i = 0; i < neurons.length; i++) {
        const neuron = neurons[i];
        const t = steps[i] * this.dt;
        const previous = s.last[neuron];
        s.last[neuron] = t;
        if (Number.isNaN(previous)) continue;
        const isi = t - previous;
        const n = ++s.intervals[neuron];
        const delta = isi - s.mean[neuron];
        s.mean[neuron] += delta / n;
        s.m2[neuron] += delta * (isi - s.mean[neuron]);
      }
    }
  }

  /** The population's CV of ISI; null when no neuron has enough intervals. */
  cv(population: string): number | null {
    const s = this.populations.get(population);
    return s ? populationCv(neuronCvs(s)) : null;
  }
}
