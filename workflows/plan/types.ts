// The sweep plan: which parameter values and seeds each run gets. Pure data; the expansion
// (workflows/plan/expand.ts) is deterministic and runs inside workflows.

/** Dotted paths into a NetworkSpec, e.g. `projections.exc_exc.connector.weights`,
 * `populations.exc.values.El`, `constants.I0` (list entries are addressed by their `name`). */
export interface Axis {
  /** Column name in runs.parquet. */
  name: string;
  /** Every path receives the axis value (e.g. both excitatory projections' weights). */
  paths: string[];
  values: number[];
}

export type SampleDistribution =
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'loguniform'; min: number; max: number };

export interface SampledParameter {
  name: string;
  paths: string[];
  distribution: SampleDistribution;
}

export type SeedPolicy =
  /** Every copy gets `base`. */
  | { policy: 'same'; base: number; count: number }
  /** Copy k (0-based) gets base + k + 1 (ANNarchy's parallel_run). */
  | { policy: 'sequential'; base: number; count: number }
  /** `count` seeds drawn with seedrandom from `master`; re-running with the same master draws the same seeds. */
  | { policy: 'random'; master: number; count: number }
  | { policy: 'list'; values: number[] };

export interface SweepPlan {
  /** Cartesian product, first axis slowest. */
  grid: Axis[];
  /** Axes of equal length that vary together (one point per index). */
  zip: Axis[];
  /** Random points drawn with seedrandom from `seed` (recorded per run). */
  sample: { count: number; seed: number; parameters: SampledParameter[] } | null;
  seeds: SeedPolicy;
}

export interface PlannedRun {
  index: number;
  /** Axis/parameter name → value. */
  values: Record<string, number>;
  /** Parameter path → value (what is applied to the spec). */
  params: Record<string, number>;
  seed: number;
}
