// Finished runs by parameter point, as the group activity counts them, the batch workflow gathers
// them for its next report and the sweep workflow keeps them for its live details
// (workflows/progress-details.ts). Bounded whatever the sweep's size: a tally for each of the first
// DETAILED_POINTS points and for at most RATE_POPULATIONS populations, so activity results, signals
// and the continue-as-new input stay small. Pure: it runs in the workflow sandbox.
import type { PointProgress, PointTally, RateSum } from './contract.js';

/** Points the sweep's live details list one by one; the rest appear only in its totals. */
export const DETAILED_POINTS = 25;
/** Populations whose rates are tallied (the first ones a run reports, in the network's order). */
export const RATE_POPULATIONS = 6;

export function emptyPointProgress(): PointProgress {
  return { points: {}, rates: {} };
}

export function hasRuns(progress: PointProgress): boolean {
  return Object.keys(progress.points).length > 0 || Object.keys(progress.rates).length > 0;
}

function addRates(into: Record<string, RateSum>, from: Record<string, RateSum>): void {
  for (const [population, { sumHz, runs }] of Object.entries(from)) {
    const sum = into[population];
    if (sum) {
      sum.sumHz += sumHz;
      sum.runs += runs;
    } else if (Object.keys(into).length < RATE_POPULATIONS) into[population] = { sumHz, runs };
  }
}

/** Counts one finished run of `point`; `ratesHz` are its populations' mean rates (null: not recorded). */
export function addRun(progress: PointProgress, point: number, status: 'completed' | 'failed', ratesHz: Record<string, number | null>): void {
  const rates: Record<string, RateSum> = {};
  for (const [population, hz] of Object.entries(ratesHz)) if (hz !== null) rates[population] = { sumHz: hz, runs: 1 };
  addRates(progress.rates, rates);
  if (point >= DETAILED_POINTS) return;
  const tally: PointTally = { completed: status === 'completed' ? 1 : 0, failed: status === 'failed' ? 1 : 0, rates };
  mergePointProgress(progress, { points: { [point]: tally }, rates: {} });
}

/** Adds `from` into `into`. */
export function mergePointProgress(into: PointProgress, from: PointProgress): void {
  addRates(into.rates, from.rates);
  for (const [point, tally] of Object.entries(from.points)) {
    const mine = into.points[point] ??= { completed: 0, failed: 0, rates: {} };
    mine.completed += tally.completed;
    mine.failed += tally.failed;
    addRates(mine.rates, tally.rates);
  }
}

/** Mean rate in Hz of a sum, or null when no run recorded the population. */
export function meanHz(sum: RateSum | undefined): number | null {
  return sum && sum.runs > 0 ? sum.sumHz / sum.runs : null;
}
