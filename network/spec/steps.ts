// A duration as a run counts it, in steps of dt, and the durations a run refuses: shared by the
// engine (a run's options) and the sweep spec (checked at submission for every dt a sweep runs).

/** Steps of `dt` in `ms`, as a run counts them (the nearest whole step). */
export const stepsOf = (ms: number, dt: number): number => Math.round(ms / dt);

/** Why a run cannot last `ms` at `dt`, or null. */
export function durationIssue(ms: number, dt: number): string | null {
  if (!Number.isFinite(ms) || ms <= 0) return `duration must be a positive number of ms, got ${ms}`;
  const steps = stepsOf(ms, dt);
  if (steps < 1) return `duration ${ms} ms is shorter than dt = ${dt} ms`;
  if (!Number.isSafeInteger(steps)) return `duration ${ms} ms is ${steps} steps of dt = ${dt} ms, more than a run counts (2^53 - 1)`;
  return null;
}

/** Why a run cannot checkpoint every `ms` at `dt`, or null. */
export function checkpointIssue(ms: number, dt: number): string | null {
  return Number.isFinite(ms) && stepsOf(ms, dt) >= 1 ? null : `checkpointEvery must be at least dt = ${dt} ms, got ${ms}`;
}
