// Spike-train statistics, defined once: the Monitor API computes them on recorded arrays, and the
// SQL fragments below compute the same quantities in DuckDB over Parquet (runs.parquet's
// cv_isi_<pop>, the report's plots). Times are in ms, rates in Hz.

/** Spikes as columns: spike k is neuron `neurons[k]` at `times[k]` ms. */
export interface SpikeColumns {
  neurons: ArrayLike<number>;
  times: ArrayLike<number>;
}

/** A half-open time window [startMs, endMs) cut into bins of binMs (the last bin may be shorter). */
export interface Binning {
  startMs: number;
  endMs: number;
  binMs: number;
}

/**
 * Smoothing of a binned rate: `gaussian` convolves with a Gaussian of standard deviation widthMs
 * (cut at ±3 sd), `flat` with a centred moving window widthMs wide; both normalised to unit mass,
 * with zeros outside the window (Brian2's `smooth_rate`).
 */
export interface Smoothing {
  window: 'gaussian' | 'flat';
  widthMs: number;
}

/** An interval count below this gives no CV: a neuron needs at least 3 spikes. */
export const MIN_INTERVALS_FOR_CV = 2;

export function binCount({ startMs, endMs, binMs }: Binning): number {
  if (!(binMs > 0)) throw new Error(`bin width must be a positive number of ms, got ${binMs}`);
  if (!(endMs >= startMs)) throw new Error(`the window must end (${endMs} ms) at or after its start (${startMs} ms)`);
  return Math.ceil((endMs - startMs) / binMs);
}

/** The bin of time t; SQL: binIndexSql. */
export const binIndex = (t: number, b: Binning) => Math.floor((t - b.startMs) / b.binMs);

/** `floor((column - start) / bin)` in DuckDB SQL: the same bin as binIndex. */
export const binIndexSql = (column: string, b: Binning) => `CAST(floor((${column} - CAST(${b.startMs} AS DOUBLE)) / CAST(${b.binMs} AS DOUBLE)) AS BIGINT)`;

/** Spike counts per bin of the window (ANNarchy's `histogram`); spikes outside it are not counted. */
export function spikeHistogram(times: ArrayLike<number>, b: Binning): Float64Array {
  const counts = new Float64Array(binCount(b));
  for (let k = 0; k < times.length; k++) {
    if (times[k] < b.startMs || times[k] >= b.endMs) continue;
    counts[binIndex(times[k], b)]++;
  }
  return counts;
}

/** Counts per bin → the rate per neuron of `neurons` neurons, Hz; each bin over its own width. */
export function rateFromCounts(counts: ArrayLike<number>, neurons: number, b: Binning): Float64Array {
  const rates = new Float64Array(counts.length);
  if (neurons <= 0) return rates;
  for (let i = 0; i < counts.length; i++) {
    const width = Math.min(b.binMs, b.endMs - (b.startMs + i * b.binMs));
    rates[i] = (counts[i] * 1000) / (neurons * width);
  }
  return rates;
}

/** The kernel of a smoothing over bins of binMs, odd-length, summing to 1. */
export function smoothingKernel(s: Smoothing, binMs: number): Float64Array {
  if (!(s.widthMs > 0)) throw new Error(`smoothing width must be a positive number of ms, got ${s.widthMs}`);
  if (s.window === 'flat') {
    const half = Math.max(0, Math.round((s.widthMs / binMs - 1) / 2));
    return new Float64Array(2 * half + 1).fill(1 / (2 * half + 1));
  }
  const sd = s.widthMs / binMs;
  const half = Math.ceil(3 * sd);
  const kernel = Float64Array.from({ length: 2 * half + 1 }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sd * sd)));
  const mass = kernel.reduce((a, b) => a + b, 0);
  return kernel.map((k) => k / mass);
}

/** `values` convolved with the smoothing kernel, same length, zeros outside. */
export function smooth(values: ArrayLike<number>, s: Smoothing, binMs: number): Float64Array {
  const kernel = smoothingKernel(s, binMs);
  const half = (kernel.length - 1) / 2;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let sum = 0;
    for (let k = Math.max(0, half - i); k < kernel.length && i + k - half < values.length; k++) sum += kernel[k] * values[i + k - half];
    out[i] = sum;
  }
  return out;
}

/**
 * The population rate (ANNarchy's `population_rate`, Brian2's `PopulationRateMonitor.smooth_rate`):
 * spikes per bin / (neurons × bin width), in Hz, optionally smoothed.
 */
export function populationRate(times: ArrayLike<number>, neurons: number, b: Binning, smoothing?: Smoothing): Float64Array {
  const rates = rateFromCounts(spikeHistogram(times, b), neurons, b);
  return smoothing ? smooth(rates, smoothing, b.binMs) : rates;
}

/** Mean rate of a group: spikes / (neurons × duration), Hz (runs.parquet's rate_<pop>_hz); null without neurons or time. */
export function meanRate(spikes: number, neurons: number, durationMs: number): number | null {
  return neurons > 0 && durationMs > 0 ? (spikes * 1000) / (neurons * durationMs) : null;
}

/** Mean rate of each of `size` neurons over durationMs, Hz (index = neuron). */
export function meanRatePerNeuron(neurons: ArrayLike<number>, size: number, durationMs: number): Float64Array {
  const counts = new Float64Array(size);
  for (let k = 0; k < neurons.length; k++) counts[neurons[k]]++;
  return counts.map((c) => meanRate(c, 1, durationMs) ?? 0);
}

/** Inter-spike intervals of each neuron that fired twice or more, ms, in time order. */
export function isiPerNeuron(spikes: SpikeColumns): Map<number, Float64Array> {
  const trains = new Map<number, number[]>();
  for (let k = 0; k < spikes.times.length; k++) {
    const train = trains.get(spikes.neurons[k]);
    if (train) train.push(spikes.times[k]);
    else trains.set(spikes.neurons[k], [spikes.times[k]]);
  }
  const out = new Map<number, Float64Array>();
  for (const [neuron, train] of [...trains].sort((a, b) => a[0] - b[0])) {
    if (train.length < 2) continue;
    train.sort((a, b) => a - b);
    out.set(neuron, Float64Array.from({ length: train.length - 1 }, (_, i) => train[i + 1] - train[i]));
  }
  return out;
}

/** The coefficient of variation of intervals: population sd / mean; null below MIN_INTERVALS_FOR_CV. */
export function coefficientOfVariation(intervals: ArrayLike<number>): number | null {
  const n = intervals.length;
  if (n < MIN_INTERVALS_FOR_CV) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += intervals[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (intervals[i] - mean) ** 2;
  return Math.sqrt(squares / n) / mean;
}

/** CV of ISI of each neuron with enough spikes. */
export function cvIsiPerNeuron(spikes: SpikeColumns): Map<number, number> {
  const out = new Map<number, number>();
  for (const [neuron, isi] of isiPerNeuron(spikes)) {
    const cv = coefficientOfVariation(isi);
    if (cv !== null) out.set(neuron, cv);
  }
  return out;
}

/** A population's CV of ISI: the mean over its neurons with a CV (runs.parquet's cv_isi_<pop>). */
export function populationCvIsi(spikes: SpikeColumns): number | null {
  return populationCv(cvIsiPerNeuron(spikes).values());
}

/** The mean of per-neuron CVs; null without any. */
export function populationCv(cvs: Iterable<number>): number | null {
  let sum = 0;
  let n = 0;
  for (const cv of cvs) (sum += cv, n++);
  return n ? sum / n : null;
}

/**
 * The same definitions in DuckDB SQL over spike rows `source` (columns population, neuron, t_ms,
 * and the `keys` that tell runs apart): one row per neuron with its ISI count, mean ISI and CV.
 */
export function isiPerNeuronSql(source: string, keys: string[] = []): string {
  return `
    SELECT ${[...keys, 'population', 'neuron'].join(', ')}, count(isi) AS intervals, avg(isi) AS mean_isi_ms,
      CASE WHEN count(isi) >= ${MIN_INTERVALS_FOR_CV} THEN stddev_pop(isi) / avg(isi) END AS cv
    FROM (${isiSql(source, keys)}) WHERE isi IS NOT NULL GROUP BY ALL`;
}

/** Every spike row with `isi`: the time since the same neuron's previous spike (null for its first), as isiPerNeuron. */
export function isiSql(source: string, keys: string[] = []): string {
  const by = [...keys, 'population', 'neuron'].join(', ');
  return `SELECT ${by}, t_ms - lag(t_ms) OVER (PARTITION BY ${by} ORDER BY t_ms) AS isi FROM ${source}`;
}

/** Per population (and key): the mean of its neurons' CVs, as populationCvIsi. */
export function populationCvIsiSql(source: string, keys: string[] = []): string {
  return `SELECT ${[...keys, 'population'].join(', ')}, avg(cv) AS cv FROM (${isiPerNeuronSql(source, keys)}) WHERE cv IS NOT NULL GROUP BY ALL`;
}
