// Stage timings of a run (ms): kept unrounded while the run goes, summed over the sessions of a
// resumed run, rounded to 0.01 ms where they are reported.
export interface StageTimings { codegen: number; compile: number; build: number; simulate: number; write: number; checkpoint: number; restore: number }

export const zeroTimings = (): StageTimings => ({ codegen: 0, compile: 0, build: 0, simulate: 0, write: 0, checkpoint: 0, restore: 0 });

/** Milliseconds rounded to 0.01, as reports and manifests carry them. */
export const ms = (x: number) => Math.round(x * 100) / 100;

const STAGES = Object.keys(zeroTimings()) as (keyof StageTimings)[];

export function sumTimings(a: StageTimings, b: StageTimings): StageTimings {
  const out = zeroTimings();
  for (const k of STAGES) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return out;
}

export function roundTimings(x: StageTimings): StageTimings {
  const out = zeroTimings();
  for (const k of STAGES) out[k] = ms(x[k]);
  return out;
}

/** Runs `work` and adds the time it took to `timings[stage]`. */
export async function timed<T>(timings: StageTimings, stage: keyof StageTimings, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  timings[stage] += performance.now() - started;
  return result;
}
