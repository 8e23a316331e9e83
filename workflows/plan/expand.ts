// Deterministic sweep expansion: run index → (parameter values, seed), computed per index so a
// 100k-run sweep is never materialised as a list. Pure TypeScript plus seedrandom — it runs inside
// the Temporal workflow sandbox (no I/O, no Node built-ins, no clocks, no Math.random).
//
// Run ordering (documented contract; runs.parquet's run index follows it):
//   points = grid points × zip rows × samples, seeds innermost:
//     run i  →  point p = ⌊i / nSeeds⌋, seed index k = i mod nSeeds
//     point p → grid point g = ⌊p / (nZip · nSamples)⌋, zip row z = ⌊p / nSamples⌋ mod nZip,
//               sample j = p mod nSamples
//     grid point g → one value index per grid axis, mixed radix with the FIRST axis slowest
//   An absent part counts as one (no grid → one grid point, no zip → one row, no sample → one).
//
// Seeds (docs/architecture.md, "Determinism contract"), copy k of nSeeds:
//   same       → base                       (nSeeds = count)
//   sequential → base + k + 1               (nSeeds = count; ANNarchy's parallel_run)
//   random     → k-th distinct uint32 drawn from seedrandom(`master:${master}`) (nSeeds = count); a
//                repeated draw (probability ≈ count²/2³³) is skipped so no two copies share a seed
//   list       → values[k]                  (nSeeds = values.length)
// Samples: sample j draws, in parameter order, from its own seedrandom(`${sample.seed}:${j}`), so
// run i never needs the draws of earlier runs.
import seedrandom from 'seedrandom';
import type { Axis, PlannedRun, SampleDistribution, SeedPolicy, SweepPlan } from './types.js';

/**
 * What a worker must pass as `bundlerOptions.ignoreModules` when it bundles workflows that import
 * this module: seedrandom `require`s Node's crypto only to autoseed, which a seeded call (all we
 * make) never does; without this the Temporal bundler refuses the bundle ("disallowed modules:
 * crypto"). Checked with bundleWorkflowCode of SDK 1.24.
 */
export const WORKFLOW_BUNDLE_IGNORE_MODULES: readonly string[] = ['crypto'];

/** Where a run sits in the plan (what planRun decodes an index into). */
export interface RunCoordinates {
  index: number;
  /** Parameter point, in [0, pointCount). */
  point: number;
  /** Seed index k, in [0, seedCount). */
  seedIndex: number;
  /** Value index per grid axis (grid order). */
  grid: number[];
  /** Zip row, or null without zip axes. */
  zip: number | null;
  /** Sample number j, or null without sampling. */
  sample: number | null;
}

export interface PlanShape {
  gridPoints: number;
  zipRows: number;
  samples: number;
  points: number;
  seeds: number;
  runs: number;
}

const MAX_SEED = Number.MAX_SAFE_INTEGER;
/** Random-policy seed lists are drawn once per plan object and cached (the draws are sequential). */
const MAX_RANDOM_SEEDS = 1_000_000;

export function planShape(plan: SweepPlan): PlanShape {
  const gridPoints = plan.grid.reduce((n, a) => n * a.values.length, 1);
  const zipRows = plan.zip.length > 0 ? plan.zip[0].values.length : 1;
  const samples = plan.sample ? plan.sample.count : 1;
  const points = gridPoints * zipRows * samples;
  const seeds = seedCount(plan.seeds);
  return { gridPoints, zipRows, samples, points, seeds, runs: points * seeds };
}

export function seedCount(policy: SeedPolicy): number {
  return policy.policy === 'list' ? policy.values.length : policy.count;
}

export function pointCount(plan: SweepPlan): number {
  return planShape(plan).points;
}

/** Number of runs: parameter points × seeds. */
export function runCount(plan: SweepPlan): number {
  return planShape(plan).runs;
}

/** Decodes a run index (see the ordering above). Throws on an index outside [0, runCount). */
export function runCoordinates(plan: SweepPlan, index: number): RunCoordinates {
  const shape = planShape(plan);
  if (!Number.isInteger(index) || index < 0 || index >= shape.runs)
    throw new RangeError(`run index ${index} is outside [0, ${shape.runs})`);
  const point = Math.floor(index / shape.seeds);
  const seedIndex = index % shape.seeds;
  const sample = point % shape.samples;
  const zip = Math.floor(point / shape.samples) % shape.zipRows;
  let g = Math.floor(point / (shape.samples * shape.zipRows));
  const grid = new Array<number>(plan.grid.length);
  for (let a = plan.grid.length - 1; a >= 0; a--) {
    const n = plan.grid[a].values.length;
    grid[a] = g % n;
    g = Math.floor(g / n);
  }
  return {
    index, point, seedIndex, grid,
    zip: plan.zip.length > 0 ? zip : null,
    sample: plan.sample ? sample : null,
  };
}

/** Run `index` of the plan: its axis values, parameter path values and seed. Pure; O(axes) per call. */
export function planRun(plan: SweepPlan, index: number): PlannedRun {
  const c = runCoordinates(plan, index);
  const values: Record<string, number> = {};
  const params: Record<string, number> = {};
  const set = (axis: { name: string; paths: string[] }, v: number) => {
    values[axis.name] = v;
    for (const p of axis.paths) params[p] = v;
  };
  plan.grid.forEach((axis, a) => set(axis, axis.values[c.grid[a]]));
  if (c.zip !== null) for (const axis of plan.zip) set(axis, axis.values[c.zip]);
  if (c.sample !== null && plan.sample) {
    const drawn = samplePoint(plan.sample, c.sample);
    plan.sample.parameters.forEach((p, k) => set(p, drawn[k]));
  }
  return { index, values, params, seed: seedAt(plan.seeds, c.seedIndex) };
}

/** Every seed of the plan, in seed-index order (what each point's copies get). */
export function seedsOf(plan: SweepPlan): number[] {
  return policySeeds(plan.seeds);
}

/** Every seed a policy gives, in copy order: what a sweep point's copies and Network.parallelRun's copies get. */
export function policySeeds(policy: SeedPolicy): number[] {
  return Array.from({ length: seedCount(policy) }, (_, k) => seedAt(policy, k));
}

/** Seed of copy k. */
export function seedAt(policy: SeedPolicy, k: number): number {
  switch (policy.policy) {
    case 'same': return policy.base;
    case 'sequential': return policy.base + k + 1;
    case 'random': return randomSeeds(policy.master, policy.count)[k];
    case 'list': return policy.values[k];
  }
}

const randomSeedCache = new Map<string, readonly number[]>();

/** `count` distinct uint32 seeds drawn from seedrandom(`master:${master}`), in draw order. The
 *  prefix matters: ARC4 repeats its key, so seedrandom('2') and seedrandom('22') are one stream. */
export function randomSeeds(master: number, count: number): readonly number[] {
  const key = `${master}:${count}`;
  const cached = randomSeedCache.get(key);
  if (cached) return cached;
  if (!Number.isInteger(count) || count < 0 || count > MAX_RANDOM_SEEDS)
    throw new RangeError(`random seed count must be an integer in [0, ${MAX_RANDOM_SEEDS}], got ${count}`);
  const rng = seedrandom(`master:${master}`);
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < count) {
    const s = rng.int32() >>> 0;
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  if (randomSeedCache.size > 64) randomSeedCache.clear();
  randomSeedCache.set(key, out);
  return out;
}

/** The values of sample j, one per sampled parameter (in order), from seedrandom(`${seed}:${j}`). */
export function samplePoint(sample: NonNullable<SweepPlan['sample']>, j: number): number[] {
  const rng = seedrandom(`${sample.seed}:${j}`);
  return sample.parameters.map((p) => draw(p.distribution, rng));
}

function draw(d: SampleDistribution, rng: () => number): number {
  switch (d.kind) {
    case 'uniform': return d.min + (d.max - d.min) * rng();
    case 'loguniform': return Math.exp(Math.log(d.min) + (Math.log(d.max) - Math.log(d.min)) * rng());
    case 'normal': {
      // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
      const u1 = 1 - rng();
      const u2 = rng();
      return d.mean + d.sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
  }
}

/** Problems with a plan (empty when it is valid). Checks shape only, not paths against a network. */
export function validatePlan(plan: SweepPlan): string[] {
  const problems: string[] = [];
  const names = new Map<string, string>();
  const paths = new Map<string, string>();
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  const seedOk = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= MAX_SEED;
  const countOk = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 1;

  const named = (where: string, axis: { name: string; paths: string[] }) => {
    if (typeof axis.name !== 'string' || axis.name === '') problems.push(`${where}: an axis needs a name`);
    else if (axis.name === 'seed' || axis.name === 'run') problems.push(`${where}: '${axis.name}' is reserved (a column of runs.parquet)`);
    else if (names.has(axis.name)) problems.push(`${where}: duplicate name '${axis.name}' (also ${names.get(axis.name)})`);
    else names.set(axis.name, where);
    if (!Array.isArray(axis.paths) || axis.paths.length === 0) problems.push(`${where} '${axis.name}': needs at least one parameter path`);
    else for (const p of axis.paths) {
      if (typeof p !== 'string' || p === '') problems.push(`${where} '${axis.name}': empty parameter path`);
      else if (paths.has(p)) problems.push(`${where} '${axis.name}': path '${p}' is already varied by ${paths.get(p)}`);
      else paths.set(p, `${where} '${axis.name}'`);
    }
  };
  const axisValues = (where: string, axis: Axis) => {
    named(where, axis);
    if (!Array.isArray(axis.values) || axis.values.length === 0) problems.push(`${where} '${axis.name}': needs at least one value`);
    else axis.values.forEach((v, k) => { if (!finite(v)) problems.push(`${where} '${axis.name}': value ${k} is not a finite number (${String(v)})`); });
  };

  plan.grid.forEach((a, i) => axisValues(`grid[${i}]`, a));
  plan.zip.forEach((a, i) => axisValues(`zip[${i}]`, a));
  if (plan.zip.length > 1) {
    const lengths = plan.zip.map((a) => a.values?.length ?? 0);
    if (lengths.some((n) => n !== lengths[0]))
      problems.push(`zip axes must have equal lengths, got ${plan.zip.map((a, i) => `'${a.name}' ${lengths[i]}`).join(', ')}`);
  }
  if (plan.sample) {
    const s = plan.sample;
    if (!countOk(s.count)) problems.push(`sample.count must be an integer ≥ 1, got ${s.count}`);
    if (!seedOk(s.seed)) problems.push(`sample.seed must be an integer ≥ 0, got ${s.seed}`);
    if (!Array.isArray(s.parameters) || s.parameters.length === 0) problems.push('sample needs at least one parameter');
    else s.parameters.forEach((p, i) => {
      const where = `sample.parameters[${i}]`;
      named(where, p);
      const d = p.distribution;
      if (d.kind === 'uniform' || d.kind === 'loguniform') {
        if (!finite(d.min) || !finite(d.max) || d.min > d.max) problems.push(`${where} '${p.name}': ${d.kind} needs finite min ≤ max, got (${d.min}, ${d.max})`);
        else if (d.kind === 'loguniform' && d.min <= 0) problems.push(`${where} '${p.name}': LogUniform needs 0 < min, got ${d.min}`);
      } else if (d.kind === 'normal') {
        if (!finite(d.mean) || !finite(d.sd) || d.sd < 0) problems.push(`${where} '${p.name}': Normal needs a finite mean and sd ≥ 0, got (${d.mean}, ${d.sd})`);
      } else problems.push(`${where} '${p.name}': unknown distribution`);
    });
  }

  const seeds = plan.seeds;
  switch (seeds.policy) {
    case 'same':
    case 'sequential':
      if (!countOk(seeds.count)) problems.push(`seeds.count must be an integer ≥ 1, got ${seeds.count}`);
      if (!seedOk(seeds.base)) problems.push(`seeds.base must be an integer ≥ 0, got ${seeds.base}`);
      else if (seeds.policy === 'sequential' && countOk(seeds.count) && seeds.base + seeds.count > MAX_SEED)
        problems.push(`seeds.base + seeds.count exceeds ${MAX_SEED}`);
      break;
    case 'random':
      if (!countOk(seeds.count) || seeds.count > MAX_RANDOM_SEEDS) problems.push(`seeds.count must be an integer in [1, ${MAX_RANDOM_SEEDS}], got ${seeds.count}`);
      if (!seedOk(seeds.master)) problems.push(`seeds.master must be an integer ≥ 0, got ${seeds.master}`);
      break;
    case 'list':
      if (!Array.isArray(seeds.values) || seeds.values.length === 0) problems.push('seeds.values must list at least one seed');
      else seeds.values.forEach((v, k) => { if (!seedOk(v)) problems.push(`seeds.values[${k}] must be an integer ≥ 0, got ${v}`); });
      break;
    default:
      problems.push(`unknown seed policy '${(seeds as { policy: unknown }).policy}' (expected same, sequential, random or list)`);
  }
  if (problems.length === 0 && !Number.isSafeInteger(runCount(plan))) problems.push(`the plan has too many runs (${runCount(plan)})`);
  return problems;
}
