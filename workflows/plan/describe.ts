// Words for a plan's runs and points, as the Temporal Web UI shows them: a run group activity's
// summary (`run 12 · we=1.62 wi=-9 · seed 3`), a point's values in the sweep's live details and
// the plan in its static details. Pure: it runs in the workflow sandbox.
import { planRun, planShape, runCoordinates, seedAt } from './expand.js';
import type { SweepPlan } from './types.js';

/** Summaries longer than this are cut (the UI shows one line). */
const SUMMARY_CHARS = 200;
/** A range's seeds are listed one by one up to this many. */
const LISTED_SEEDS = 4;

/** A parameter value, short: integers as they are, others to 4 significant digits. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** `we=1.62 wi=-9`; empty for a plan that varies nothing but the seed. */
export function valuesText(values: Record<string, number>): string {
  return Object.entries(values).map(([name, v]) => `${name}=${formatValue(v)}`).join(' ');
}

/** `seed 3`, `seeds 1–4` (consecutive), `seeds 7, 9, 11`, or `seeds 3, 8, …, 41 (12)`. */
export function seedsText(seeds: number[]): string {
  const sorted = [...new Set(seeds)].sort((a, b) => a - b);
  const [first] = sorted;
  const last = sorted[sorted.length - 1];
  if (sorted.length === 1) return `seed ${first}`;
  if (last - first === sorted.length - 1) return `seeds ${first}–${last}`;
  if (sorted.length <= LISTED_SEEDS) return `seeds ${sorted.join(', ')}`;
  return `seeds ${sorted[0]}, ${sorted[1]}, …, ${last} (${sorted.length})`;
}

/**
 * The summary of an activity that runs [from, to): `run 12 · we=1.62 wi=-9 · seed 3` for one run,
 * `runs 12–15 · we=1.62 wi=-9 · seeds 1–4` within one point, and for a range over several points
 * its first and last point's values and how many points it spans.
 */
export function runRangeSummary(plan: SweepPlan, from: number, to: number): string {
  const seedCount = planShape(plan).seeds;
  const first = runCoordinates(plan, from);
  const last = runCoordinates(plan, to - 1);
  // A range of at least seedCount runs holds every seed; a shorter one as many seed indices as runs, wrapping.
  const seedIndices = Array.from({ length: Math.min(to - from, seedCount) }, (_, k) => (first.seedIndex + k) % seedCount);
  const firstValues = valuesText(planRun(plan, from).values);
  const points = last.point - first.point + 1;
  const values = points === 1 ? firstValues : `${firstValues} → ${valuesText(planRun(plan, to - 1).values)} (${points} points)`;
  const parts = [to - from === 1 ? `run ${from}` : `runs ${from}–${to - 1}`, ...(firstValues === '' ? [] : [values]), seedsText(seedIndices.map((k) => seedAt(plan.seeds, k)))];
  const summary = parts.join(' · ');
  return summary.length <= SUMMARY_CHARS ? summary : `${summary.slice(0, SUMMARY_CHARS - 1)}…`;
}
