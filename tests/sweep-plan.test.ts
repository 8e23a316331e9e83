// Sweep expansion (workflows/plan/expand.ts): every run index maps to one distinct (point, seed)
// pair, planRun is pure and order-independent, each seed policy gives its documented seeds, and
// bad plans are refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import {
  planRun, planShape, randomSeeds, runCoordinates, runCount, samplePoint, seedsOf, validatePlan,
} from '../workflows/plan/expand.js';
import type { Axis, SampleDistribution, SeedPolicy, SweepPlan } from '../workflows/plan/types.js';

const seedPolicyArb: fc.Arbitrary<SeedPolicy> = fc.oneof(
  fc.record({ policy: fc.constant('same' as const), base: fc.nat(1000), count: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ policy: fc.constant('sequential' as const), base: fc.nat(1000), count: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ policy: fc.constant('random' as const), master: fc.nat(), count: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ policy: fc.constant('list' as const), values: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }) }),
).map((s) => ({ ...s })); // plain objects (fast-check's records have no prototype)

const distArb: fc.Arbitrary<SampleDistribution> = fc.oneof(
  fc.record({ kind: fc.constant('uniform' as const), min: fc.constant(-1), max: fc.constant(2) }),
  fc.record({ kind: fc.constant('normal' as const), mean: fc.constant(0), sd: fc.constant(1) }),
  fc.record({ kind: fc.constant('loguniform' as const), min: fc.constant(0.1), max: fc.constant(10) }),
).map((d) => ({ ...d }));

/** Valid plans with small axes (names and paths unique by construction). */
const planArb: fc.Arbitrary<SweepPlan> = fc.record({
  grid: fc.array(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 4 }), { maxLength: 3 }),
  zipLength: fc.integer({ min: 1, max: 4 }),
  zipAxes: fc.nat(2),
  sample: fc.option(fc.record({ count: fc.integer({ min: 1, max: 4 }), seed: fc.nat(), dists: fc.array(distArb, { minLength: 1, maxLength: 2 }) }), { nil: null }),
  seeds: seedPolicyArb,
}).map(({ grid, zipLength, zipAxes, sample, seeds }) => ({
  grid: grid.map((values, a): Axis => ({ name: `g${a}`, paths: [`constants.g${a}`], values })),
  zip: Array.from({ length: zipAxes }, (_, a): Axis => ({ name: `z${a}`, paths: [`constants.z${a}`], values: Array.from({ length: zipLength }, (_, k) => k * 10 + a) })),
  sample: sample && { count: sample.count, seed: sample.seed, parameters: sample.dists.map((distribution, k) => ({ name: `s${k}`, paths: [`constants.s${k}`], distribution })) },
  seeds,
}));

describe('sweep plan expansion', () => {
  it('generated plans are valid and runCount = grid × zip × samples × seeds', () => {
    fc.assert(fc.property(planArb, (plan) => {
      assert.deepEqual(validatePlan(plan), []);
      const grid = plan.grid.reduce((n, a) => n * a.values.length, 1);
      const zip = plan.zip.length ? plan.zip[0].values.length : 1;
      const seeds = plan.seeds.policy === 'list' ? plan.seeds.values.length : plan.seeds.count;
      assert.equal(runCount(plan), grid * zip * (plan.sample?.count ?? 1) * seeds);
    }));
  });

  it('every index in [0, runCount) maps to a distinct (point, seed) pair, and all pairs are hit', () => {
    fc.assert(fc.property(planArb, (plan) => {
      const shape = planShape(plan);
      const seen = new Set<string>();
      const coords = new Set<string>();
      for (let i = 0; i < shape.runs; i++) {
        const c = runCoordinates(plan, i);
        assert.ok(c.point >= 0 && c.point < shape.points && c.seedIndex >= 0 && c.seedIndex < shape.seeds);
        assert.equal(c.point, Math.floor(i / shape.seeds), 'seeds are innermost');
        seen.add(`${c.point}/${c.seedIndex}`);
        coords.add(JSON.stringify([c.grid, c.zip, c.sample]));
        const run = planRun(plan, i);
        assert.equal(run.index, i);
        assert.equal(run.seed, seedsOf(plan)[c.seedIndex]);
      }
      assert.equal(seen.size, shape.runs, 'distinct (point, seed) pairs');
      assert.equal(coords.size, shape.points, 'each point is a distinct (grid, zip, sample) combination');
    }));
  });

  it('planRun is a pure function of (plan, index), whatever the call order', () => {
    fc.assert(fc.property(planArb, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (plan, picks) => {
      const n = runCount(plan);
      const forward = Array.from({ length: n }, (_, i) => planRun(plan, i));
      const copy = structuredClone(plan);
      for (const p of picks) {
        const i = p % n;
        assert.deepEqual(planRun(plan, i), forward[i]);
        assert.deepEqual(planRun(copy, i), forward[i], 'an equal plan (not the same object) gives the same run');
      }
      assert.deepEqual(plan, copy, 'the plan is not modified');
      for (let i = n - 1; i >= 0; i--) assert.deepEqual(planRun(plan, i), forward[i]);
    }));
  });

  it('every varied path of a run gets its axis value', () => {
    fc.assert(fc.property(planArb, fc.nat(), (plan, pick) => {
      const run = planRun(plan, pick % runCount(plan));
      const axes = [...plan.grid, ...plan.zip, ...(plan.sample?.parameters ?? [])];
      assert.deepEqual(Object.keys(run.values).sort(), axes.map((a) => a.name).sort());
      for (const a of axes) for (const p of a.paths) assert.equal(run.params[p], run.values[a.name]);
      for (const a of [...plan.grid, ...plan.zip]) assert.ok(a.values.includes(run.values[a.name]));
    }));
  });

  it('orders grid points with the first axis slowest, then zip rows, then samples, then seeds', () => {
    const plan: SweepPlan = {
      grid: [{ name: 'a', paths: ['constants.a'], values: [1, 2] }, { name: 'b', paths: ['constants.b'], values: [10, 20, 30] }],
      zip: [{ name: 'x', paths: ['constants.x'], values: [100, 200] }, { name: 'y', paths: ['constants.y'], values: [-1, -2] }],
      sample: null,
      seeds: { policy: 'list', values: [7, 8] },
    };
    const got = Array.from({ length: runCount(plan) }, (_, i) => planRun(plan, i)).map((r) => [r.values.a, r.values.b, r.values.x, r.values.y, r.seed]);
    const want: number[][] = [];
    for (const a of [1, 2]) for (const b of [10, 20, 30]) for (const z of [0, 1]) for (const s of [7, 8]) want.push([a, b, [100, 200][z], [-1, -2][z], s]);
    assert.deepEqual(got, want);
  });

  it('samples: draw j comes from seedrandom(`${seed}:${j}`) alone, in parameter order', () => {
    const sample = {
      count: 1000, seed: 42,
      parameters: [
        { name: 'u', paths: ['constants.u'], distribution: { kind: 'uniform', min: 2, max: 3 } as const },
        { name: 'l', paths: ['constants.l'], distribution: { kind: 'loguniform', min: 0.01, max: 100 } as const },
        { name: 'n', paths: ['constants.n'], distribution: { kind: 'normal', mean: 5, sd: 2 } as const },
      ],
    };
    const plan: SweepPlan = { grid: [], zip: [], sample, seeds: { policy: 'same', base: 1, count: 1 } };
    const rng = seedrandom('42:617');
    const u = 2 + rng();
    assert.equal(planRun(plan, 617).values.u, u);
    assert.equal(planRun(plan, 617).values.l, Math.exp(Math.log(0.01) + (Math.log(100) - Math.log(0.01)) * rng()));
    const draws = Array.from({ length: 1000 }, (_, j) => samplePoint(sample, j));
    assert.ok(draws.every(([a, b]) => a >= 2 && a < 3 && b >= 0.01 && b < 100));
    const mean = draws.reduce((s, d) => s + d[2], 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((s, d) => s + (d[2] - mean) ** 2, 0) / draws.length);
    assert.ok(Math.abs(mean - 5) < 0.25 && Math.abs(sd - 2) < 0.25, `normal draws: mean ${mean}, sd ${sd}`);
    assert.notDeepEqual(samplePoint({ ...sample, seed: 43 }, 617), samplePoint(sample, 617));
  });

  it('scales: the last run of a 100k-run plan is computed without materialising the others', () => {
    const plan: SweepPlan = {
      grid: [{ name: 'a', paths: ['constants.a'], values: Array.from({ length: 100 }, (_, k) => k) }, { name: 'b', paths: ['constants.b'], values: Array.from({ length: 100 }, (_, k) => k / 10) }],
      zip: [], sample: { count: 10, seed: 3, parameters: [{ name: 'c', paths: ['constants.c'], distribution: { kind: 'uniform', min: 0, max: 1 } }] },
      seeds: { policy: 'sequential', base: 100, count: 1 },
    };
    assert.equal(runCount(plan), 100_000);
    const t0 = performance.now();
    const last = planRun(plan, 99_999);
    assert.ok(performance.now() - t0 < 50);
    assert.equal(last.values.a, 99);
    assert.equal(last.values.b, 9.9);
    assert.equal(last.seed, 101);
    assert.throws(() => planRun(plan, 100_000), RangeError);
    assert.throws(() => planRun(plan, -1), RangeError);
    assert.throws(() => planRun(plan, 1.5), RangeError);
  });
});

describe('seed policies', () => {
  const plan = (seeds: SeedPolicy): SweepPlan => ({ grid: [{ name: 'w', paths: ['dt'], values: [0.1, 0.2] }], zip: [], sample: null, seeds });
  const runSeeds = (p: SweepPlan) => Array.from({ length: runCount(p) }, (_, i) => planRun(p, i).seed);

  it('same: every copy gets base', () => {
    assert.deepEqual(seedsOf(plan({ policy: 'same', base: 42, count: 3 })), [42, 42, 42]);
    assert.deepEqual(runSeeds(plan({ policy: 'same', base: 42, count: 3 })), [42, 42, 42, 42, 42, 42]);
  });

  it('sequential: base + 1, base + 2, … (ANNarchy parallel_run)', () => {
    fc.assert(fc.property(fc.nat(1e9), fc.integer({ min: 1, max: 50 }), (base, count) => {
      const p = plan({ policy: 'sequential', base, count });
      assert.deepEqual(seedsOf(p), Array.from({ length: count }, (_, k) => base + k + 1));
      assert.deepEqual(runSeeds(p), [...seedsOf(p), ...seedsOf(p)]);
    }));
    assert.deepEqual(seedsOf(plan({ policy: 'sequential', base: 0, count: 4 })), [1, 2, 3, 4]);
  });

  it('random: seedrandom(`master:${master}`) draws as uint32, reproducible, different for another master', () => {
    fc.assert(fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 20 }), (master, other, count) => {
      const seeds = seedsOf(plan({ policy: 'random', master, count }));
      assert.equal(seeds.length, count);
      assert.ok(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32));
      assert.equal(new Set(seeds).size, count, 'distinct');
      assert.deepEqual(seedsOf(plan({ policy: 'random', master, count })), seeds, 'reproducible');
      // A prefix: asking for more seeds keeps the first ones.
      assert.deepEqual(seedsOf(plan({ policy: 'random', master, count: count + 3 })).slice(0, count), seeds);
      if (other !== master) assert.notDeepEqual(seedsOf(plan({ policy: 'random', master: other, count })), seeds);
      assert.deepEqual(runSeeds(plan({ policy: 'random', master, count })), [...seeds, ...seeds]);
    }));
    // Masters whose digits repeat one another (2 and 22, 12 and 1212) once drew the same seeds.
    assert.notDeepEqual(seedsOf(plan({ policy: 'random', master: 22, count: 3 })), seedsOf(plan({ policy: 'random', master: 2, count: 3 })));
    assert.notDeepEqual(seedsOf(plan({ policy: 'random', master: 1212, count: 3 })), seedsOf(plan({ policy: 'random', master: 12, count: 3 })));
    const rng = seedrandom('master:2026');
    assert.deepEqual(seedsOf(plan({ policy: 'random', master: 2026, count: 3 })), [rng.int32() >>> 0, rng.int32() >>> 0, rng.int32() >>> 0]);
    assert.equal(randomSeeds(2026, 3), randomSeeds(2026, 3), 'cached per (master, count)');
  });

  it('list: values[k]', () => {
    assert.deepEqual(seedsOf(plan({ policy: 'list', values: [5, 3, 5, 99] })), [5, 3, 5, 99]);
    assert.deepEqual(runSeeds(plan({ policy: 'list', values: [5, 3] })), [5, 3, 5, 3]);
  });
});

describe('validatePlan', () => {
  const ok: SweepPlan = { grid: [{ name: 'a', paths: ['dt'], values: [1] }], zip: [], sample: null, seeds: { policy: 'same', base: 0, count: 1 } };
  const problems = (patch: Partial<SweepPlan>) => validatePlan({ ...ok, ...patch });

  it('refuses zip axes of unequal length', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (n, m) => {
      fc.pre(n !== m);
      const zip = [{ name: 'x', paths: ['constants.x'], values: Array(n).fill(1) }, { name: 'y', paths: ['constants.y'], values: Array(m).fill(2) }];
      const found = problems({ zip });
      assert.equal(found.length, 1);
      assert.match(found[0], /zip axes must have equal lengths.*'x' \d.*'y' \d/);
    }));
  });

  it('refuses bad counts, seeds, values, duplicate names and paths varied twice', () => {
    assert.deepEqual(validatePlan(ok), []);
    assert.match(problems({ seeds: { policy: 'sequential', base: 0, count: 0 } }).join(), /seeds.count must be an integer ≥ 1/);
    assert.match(problems({ seeds: { policy: 'same', base: -1, count: 2 } }).join(), /seeds.base must be an integer ≥ 0/);
    assert.match(problems({ seeds: { policy: 'random', master: 1.5, count: 2 } }).join(), /seeds.master/);
    assert.match(problems({ seeds: { policy: 'list', values: [] } }).join(), /at least one seed/);
    assert.match(problems({ seeds: { policy: 'bogus' } as unknown as SeedPolicy }).join(), /unknown seed policy 'bogus'/);
    assert.match(problems({ grid: [{ name: 'a', paths: ['dt'], values: [] }] }).join(), /at least one value/);
    assert.match(problems({ grid: [{ name: 'a', paths: ['dt'], values: [NaN] }] }).join(), /not a finite number/);
    assert.match(problems({ grid: [...ok.grid, { name: 'a', paths: ['constants.b'], values: [1] }] }).join(), /duplicate name 'a'/);
    assert.match(problems({ zip: [{ name: 'b', paths: ['dt'], values: [1] }] }).join(), /path 'dt' is already varied by grid\[0\] 'a'/);
    assert.match(problems({ sample: { count: 0, seed: 0, parameters: [{ name: 's', paths: ['constants.s'], distribution: { kind: 'uniform', min: 0, max: 1 } }] } }).join(), /sample.count/);
    assert.match(problems({ sample: { count: 2, seed: 0, parameters: [{ name: 's', paths: ['constants.s'], distribution: { kind: 'loguniform', min: 0, max: 1 } }] } }).join(), /LogUniform needs 0 < min/);
  });
});
