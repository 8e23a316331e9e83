// Sweep files (sweeps/spec.ts) and parameter paths (network/spec/paths.ts): the 36-run CUBA
// example plans exactly its 36 (we, wi, seed) runs in order; applyParameters changes exactly the
// named values and keeps the structure hash; bad sweep files give located errors.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { sharedStructure } from '../activities/sweep/network.js';
import { buildIR } from '../network/ir/ir.js';
import { SpecError } from '../network/spec/errors.js';
import { loadNetworkSpec } from '../network/spec/load.js';
import { applyParameters, checkParameterPath, isStructuralPath, parameterValue } from '../network/spec/paths.js';
import { canonicalJson, loadSweepSpec, parseSweepSpecText, sweepSpecFromObject } from '../sweeps/spec.js';
import { planRun, runCount } from '../workflows/plan/expand.js';

const EXAMPLES = resolve('examples');
const cuba = loadNetworkSpec(join(EXAMPLES, 'cuba.yaml'));
const coba = loadNetworkSpec(join(EXAMPLES, 'coba.yaml'));

/** Parses sweep text as if it were a file in examples/ (so `network: cuba.yaml` resolves). */
const sweep = (text: string) => parseSweepSpecText(text, join(EXAMPLES, 'test-sweep.yaml'));

function specError(text: string): SpecError {
  try {
    sweep(text);
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  assert.fail('expected a SpecError');
}

describe('examples/cuba-sweep.yaml', () => {
  const spec = loadSweepSpec(join(EXAMPLES, 'cuba-sweep.yaml'));

  it('plans exactly 36 runs: we slowest, then wi, then seeds 1..4', () => {
    assert.equal(runCount(spec.plan), 36);
    const got = Array.from({ length: 36 }, (_, i) => planRun(spec.plan, i)).map((r) => [r.values.we, r.values.wi, r.seed]);
    const want: number[][] = [];
    for (const we of [1.2, 1.62, 2.0]) for (const wi of [-12, -9, -6]) for (const seed of [1, 2, 3, 4]) want.push([we, wi, seed]);
    assert.deepEqual(got, want);
    const run = planRun(spec.plan, 17); // point 4 (we 1.62, wi -9), seed index 1 → seed 2
    assert.deepEqual(run.params, {
      'projections.exc_exc.connector.weights': 1.62, 'projections.exc_inh.connector.weights': 1.62,
      'projections.inh_exc.connector.weights': -9, 'projections.inh_inh.connector.weights': -9,
    });
    assert.equal(run.seed, 2);
  });

  it('runs CUBA for 1 s, two at a time, on OpenMP', () => {
    assert.equal(spec.name, 'cuba-weights');
    assert.equal(spec.network.name, 'cuba');
    assert.deepEqual(spec.network, cuba);
    assert.equal(spec.durationMs, 1000);
    assert.equal(spec.protocol, null);
    assert.equal(spec.maxConcurrent, 2);
    assert.equal(spec.backend, 'openmp');
    assert.equal(spec.threads, 1);
    assert.equal(spec.output, 'out/sweeps');
    assert.equal(spec.checkpointEveryMs, 250);
    assert.deepEqual(spec.record, []);
    assert.match(spec.specHash, /^[0-9a-f]{64}$/);
  });

  it('every run keeps the structure hash (one compile for the sweep)', () => {
    const hash = buildIR(spec.network).structureHash;
    for (const i of [0, 13, 35]) assert.equal(buildIR(applyParameters(spec.network, planRun(spec.plan, i).params)).structureHash, hash);
  });
});

describe('spec hash', () => {
  const base = `
name: h
network: cuba.yaml
duration: 100
vary:
  grid:
    - { name: we, paths: [projections.exc_exc.connector.weights], values: [1, 2] }
seeds: { policy: sequential, base: 0, count: 2 }
`;
  it('reformatted YAML with the same content gives the same hash; a changed value does not', () => {
    const reformatted = `# the same sweep, written differently
seeds:
  count: 2
  base: 0
  policy: sequential
vary: { grid: [ { values: [1.0, 2.0], paths: ["projections.exc_exc.connector.weights"], name: we } ] }
duration: 1.0e2
network: ./cuba.yaml
name: h
maxConcurrent: 7        # how to run, not what: not hashed
`;
    const a = sweep(base);
    assert.equal(sweep(base).specHash, a.specHash);
    assert.equal(sweep(reformatted).specHash, a.specHash);
    assert.notEqual(sweep(base.replace('[1, 2]', '[1, 3]')).specHash, a.specHash);
    assert.notEqual(sweep(base.replace('base: 0', 'base: 1')).specHash, a.specHash);
    assert.notEqual(sweep(base.replace('duration: 100', 'duration: 200')).specHash, a.specHash);
    assert.notEqual(sweep(`${base}backend: cuda\n`).specHash, a.specHash);
    // The cuda backend's fast mode is another sweep; exact (the default) keeps the id of a sweep that names no mode.
    const cuda = sweep(`${base}backend: cuda\n`);
    assert.equal(sweep(`${base}backend: cuda\ncudaMode: exact\n`).specHash, cuda.specHash);
    assert.notEqual(sweep(`${base}backend: cuda\ncudaMode: fast\n`).specHash, cuda.specHash);
    assert.equal(sweep(`${base}backend: cuda\ncudaMode: fast\n`).cudaMode, 'fast');
    assert.notEqual(sweep(`${base}record: [ { target: exc, variables: [v], period: 1 } ]\n`).specHash, a.specHash);
  });

  it('canonical JSON sorts keys at every level and keeps list order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});

describe('sweep files', () => {
  it('seed policies give the documented seeds', () => {
    const seedsOf = (seeds: string) => {
      const s = sweep(`network: cuba.yaml\nduration: 10\nseeds: ${seeds}\n`);
      return Array.from({ length: runCount(s.plan) }, (_, i) => planRun(s.plan, i).seed);
    };
    assert.deepEqual(seedsOf('{ policy: same, base: 9, count: 3 }'), [9, 9, 9]);
    assert.deepEqual(seedsOf('{ policy: same, count: 2 }'), [42, 42], 'same defaults to the network seed');
    assert.deepEqual(seedsOf('{ policy: sequential, base: 10, count: 3 }'), [11, 12, 13]);
    assert.deepEqual(seedsOf('{ policy: list, values: [4, 8, 15] }'), [4, 8, 15]);
    const random = seedsOf('{ policy: random, master: 2026, count: 3 }');
    assert.deepEqual(seedsOf('{ policy: random, master: 2026, count: 3 }'), random);
    assert.notDeepEqual(seedsOf('{ policy: random, master: 2027, count: 3 }'), random);
    assert.deepEqual(sweep('network: cuba.yaml\nduration: 10\n').plan.seeds, { policy: 'same', base: 42, count: 1 }, 'no seeds: one copy with the network seed');
  });

  it('zip, sample, inline networks, record and defaults', () => {
    const s = sweep(`
network:
  populations:
    - { name: p, geometry: 10, neuron: LIF_CUBA, values: { tau_m: 10 } }
  projections:
    - { name: pp, pre: p, post: p, target: exc, connector: { type: fixedNumberPre, number: 2, weights: 0.5 } }
  constants: { I0: 1 }
  duration: 50
vary:
  zip:
    - { name: n, path: projections.pp.connector.number, values: [1, 2, 3] }
    - { name: tau, path: populations.p.values.tau_m, values: [5, 10, 20] }
  sample:
    count: 4
    seed: 7
    parameters:
      - { name: i0, paths: [constants.I0], distribution: "LogUniform(0.1, 10)" }
      - { name: dt, paths: [dt], distribution: "Uniform(0.05, 0.1)" }
seeds: { policy: sequential, count: 2 }
record: [ { target: p, variables: [v], period: 1 } ]
`);
    assert.equal(runCount(s.plan), 3 * 4 * 2);
    assert.equal(s.durationMs, 50);
    assert.equal(s.name, 'test-sweep');
    assert.deepEqual(s.network.monitors, [{ target: 'p', variables: ['v'], period: 1, start: 0 }]);
    const r = planRun(s.plan, 9); // point 4 = zip row 1, sample 0; seed index 1
    assert.equal(r.values.n, 2);
    assert.equal(r.values.tau, 20 / 2);
    assert.equal(r.seed, 2);
    assert.ok(r.values.i0 >= 0.1 && r.values.i0 <= 10 && r.params.dt >= 0.05 && r.params.dt <= 0.1);
  });

  it('uses the protocol of an experiment network, and refuses duration beside it', () => {
    const s = sweep('network: nets-experiment.yaml\n');
    assert.ok(Array.isArray(s.protocol) && s.protocol.length > 0);
    assert.equal(s.durationMs, (s.protocol as { durationMs: number }[]).reduce((t, p) => t + p.durationMs, 0));
    assert.match(specError('network: nets-experiment.yaml\nduration: 5\n').message, /test-sweep\.yaml:2:\d+ duration: the network has a protocol/);
  });

  it('bad files give located errors', () => {
    const head = 'network: cuba.yaml\nduration: 100\n';
    const cases: [string, RegExp][] = [
      // unknown path
      [`${head}vary:\n  grid:\n    - { name: we, paths: [projections.exc_exc.connector.weight], values: [1] }\n`,
        /test-sweep\.yaml:5:\d+ vary\.grid\[0\]\.paths\[0\]: 'projections\.exc_exc\.connector\.weight': 'weight' is not a settable field of fixedProbability connector 'exc_exc' \(weights, delays, probability\)/],
      [`${head}vary:\n  grid:\n    - { name: x, paths: [populations.exx.values.El], values: [1] }\n`,
        /:5:\d+ vary\.grid\[0\]\.paths\[0\]: .*no population 'exx' \(declared: exc, inh\)/],
      [`${head}vary:\n  grid:\n    - { name: x, paths: [populations.exc.values.Elx], values: [1] }\n`,
        /:5:\d+ .*'Elx' is not a parameter or variable of population 'exc' \(neuron 'cuba_lif': El, Vr, Vt/],
      // zip length mismatch
      [`${head}vary:\n  zip:\n    - { name: a, path: dt, values: [0.1, 0.2] }\n    - { name: b, path: populations.exc.values.El, values: [1, 2, 3] }\n`,
        /test-sweep\.yaml:5:\d+ vary\.zip: zip axes must have equal lengths, got a: 2, b: 3/],
      // bad policy
      [`${head}seeds:\n  policy: shuffled\n  count: 2\n`, /test-sweep\.yaml:4:\d+ seeds\.policy: unknown seed policy "shuffled" \(expected same, sequential, random or list\)/],
      [`${head}seeds: { policy: random, count: 2 }\n`, /:3:\d+ seeds: policy random needs master/],
      [`${head}seeds: { policy: list, values: [1, 2], count: 3 }\n`, /:3:\d+ seeds\.count: count 3 does not match the 2 listed seeds/],
      // negative count
      [`${head}seeds:\n  policy: sequential\n  count: -4\n`, /test-sweep\.yaml:5:\d+ seeds\.count: count must be ≥ 1/],
      [`${head}vary:\n  sample: { count: -1, parameters: [ { name: s, path: dt, distribution: "Uniform(0.05, 0.1)" } ] }\n`, /:4:\d+ vary\.sample\.count: sample\.count must be ≥ 1/],
      // YAML syntax
      [`${head}vary:\n  grid: [ { name: we, values: [1, 2 }\n`, /invalid sweep spec .*\n\s+.*test-sweep\.yaml:4:\d+ YAML syntax/],
      // others
      [`${head}vary:\n  sample: { count: 2, parameters: [ { name: s, path: dt, distribution: "Gamma(1, 2)" } ] }\n`, /:4:\d+ vary\.sample\.parameters\[0\]\.distribution: expected Uniform\(min, max\), Normal\(mean, sd\) or LogUniform\(min, max\)/],
      [`${head}vary:\n  grid:\n    - { name: p, path: projections.exc_exc.connector.probability, values: [0.1, 1.5] }\n`, /:5:\d+ vary\.grid\[0\]\.values\[1\]: .*probability must be in \[0, 1\], got 1.5/],
      [`${head}vary:\n  grid:\n    - { name: a, path: dt, values: [0.1] }\n    - { name: a, path: constants.x, values: [1] }\n`, /:6:\d+ vary\.grid\[1\]\.path: .*no constant 'x' \(declared: none\)/],
      [`${head}vary:\n  grid:\n    - { name: a, path: dt, values: [0.1] }\n    - { name: a, path: populations.exc.values.El, values: [1] }\n`, /vary: grid\[1\]: duplicate name 'a'/],
      // Each run's length and checkpoint interval at every dt the sweep runs at, and a Normal's far draws.
      [`${head}checkpointEvery: 0.01\n`, /:3:\d+ checkpointEvery: checkpointEvery must be at least dt = 0\.1 ms, got 0\.01/],
      [`${head}vary:\n  grid:\n    - { name: d, path: dt, values: [0.1, 1e-320] }\n`, /duration: duration 100 ms is Infinity steps of dt = 1e-320 ms, more than a run counts/],
      [`${head}vary:\n  sample: { count: 2, parameters: [ { name: p, path: projections.exc_exc.connector.probability, distribution: "Normal(0.5, 10)" } ] }\n`,
        /vary\.sample\.parameters\[0\]\.distribution: .*a probability must be in \[0, 1\], got -49\.5/],
      [`${head}backend: metal\n`, /:3:\d+ backend: expected openmp, serial, cuda/],
      [`${head}backend: serial\nthreads: 2\n`, /:4:\d+ threads: the serial backend runs on at most 1 thread/],
      [`${head}cudaMode: fast\n`, /:3:\d+ cudaMode: fast mode is the cuda backend's; the openmp backend is always exact/],
      [`${head}backend: cuda\ncudaMode: quick\n`, /:4:\d+ cudaMode: expected exact or fast/],
      [`${head}vary:\n  grid:\n    - { name: backend, path: dt, values: [0.1] }\n`, /:5:\d+ vary\.grid\[0\]\.name: 'backend' is reserved \(a column of runs\.parquet\)/],
      [`${head}colour: blue\n`, /test-sweep\.yaml:1:1 unknown field 'colour'/],
      [`network: missing.yaml\nduration: 1\n`, /missing\.yaml.*cannot read the file: ENOENT/],
      [`${head}record: [ { target: nobody, variables: [spike] } ]\n`, /:3:\d+ record\[0\]\.target: unknown population or projection 'nobody'/],
      [`network:\n  populations:\n    - { name: p, geometry: -3, neuron: LIF_CUBA }\nduration: 5\n`, /test-sweep\.yaml:3:\d+ populations\[0\]\.geometry/],
    ];
    for (const [text, pattern] of cases) assert.match(specError(text).message, pattern, text);
  });
});

describe('parameter paths', () => {
  const hash = buildIR(cuba).structureHash;
  const paths: Record<string, number> = {
    'populations.exc.values.El': -52,
    'populations.inh.values.refractory': 2,
    'populations.exc.values.v': -55,
    'projections.exc_exc.connector.weights': 2.5,
    'projections.exc_exc.connector.probability': 0.05,
    'projections.inh_exc.connector.delays': 1.5,
    dt: 0.05,
  };

  it('applyParameters changes exactly the named values in a new object; the structure hash stays', () => {
    const before = structuredClone(cuba);
    for (const [path, value] of Object.entries(paths)) {
      const applied = applyParameters(cuba, { [path]: value });
      assert.deepEqual(cuba, before, 'input untouched');
      assert.notEqual(applied, cuba);
      assert.equal(parameterValue(applied, path), value);
      assert.equal(isStructuralPath(cuba, path), false);
      assert.equal(buildIR(applied).structureHash, hash, path);
      // Everything else is equal: setting the old value back restores the spec.
      const old = structuredClone(before);
      const restored = parameterValue(before, path);
      const diff = applyParameters(applied, {});
      assert.deepEqual(diff, applied);
      if (restored !== undefined) assert.deepEqual(applyParameters(applied, { [path]: restored }), old, path);
    }
    const all = applyParameters(cuba, paths);
    assert.equal(buildIR(all).structureHash, hash);
    assert.equal(all.populations[0].values.El, -52);
    assert.deepEqual(all.populations[1].values.v, { kind: 'uniform', min: -60, max: -50 }, 'untouched values stay');
    assert.equal(all.projections[1].connector.weights, 1.62, 'exc_inh untouched');
    assert.equal(all.populations[1].values.El, undefined, 'inh El untouched');
  });

  it('constants, synapse values and connector numbers are values too', () => {
    const withConst = { ...coba, constants: { I0: 20 } };
    assert.equal(applyParameters(withConst, { 'constants.I0': 30 }).constants.I0, 30);
    assert.equal(withConst.constants.I0, 20);
    const fixedNumber = { ...cuba, projections: cuba.projections.map((p) => ({ ...p, connector: { type: 'fixedNumberPre' as const, number: 80, weights: p.connector.weights as number, allowSelfConnections: false } })) };
    const h = buildIR(fixedNumber).structureHash;
    const more = applyParameters(fixedNumber, { 'projections.exc_exc.connector.number': 100 });
    assert.equal((more.projections[0].connector as { number: number }).number, 100);
    assert.equal(buildIR(more).structureHash, h, 'connector number is a value');
    assert.match(checkParameterPath(fixedNumber, 'projections.exc_exc.connector.probability') ?? '', /not a settable field of fixedNumberPre connector 'exc_exc' \(weights, delays, number\)/);
  });

  it('weights given as a distribution become one shared number: a structural path', () => {
    const dist = structuredClone(cuba);
    for (const p of dist.projections) p.connector = { type: 'fixedProbability', probability: 0.02, allowSelfConnections: false, weights: { kind: 'uniform', min: 1, max: 2 } };
    assert.equal(isStructuralPath(dist, 'projections.exc_exc.connector.weights'), true);
    assert.notEqual(buildIR(applyParameters(dist, { 'projections.exc_exc.connector.weights': 1.5 })).structureHash, buildIR(dist).structureHash);
  });

  it("a runner's runs share their network's IR when every parameter is a value: it equals the IR of the applied spec", () => {
    for (const [path, value] of Object.entries(paths)) assert.deepEqual(sharedStructure(cuba, { [path]: value }), buildIR(applyParameters(cuba, { [path]: value })), path);
    assert.equal(sharedStructure(cuba, paths), sharedStructure(cuba, {}), 'built once per network');
    assert.ok(Object.isFrozen(sharedStructure(cuba, {})!.populations[0]), 'shared, so frozen');
    const dist = structuredClone(cuba);
    for (const p of dist.projections) p.connector = { type: 'fixedProbability', probability: 0.02, allowSelfConnections: false, weights: { kind: 'uniform', min: 1, max: 2 } };
    assert.equal(sharedStructure(dist, { 'populations.exc.values.El': -50, 'projections.exc_exc.connector.weights': 1.5 }), undefined, 'a structural parameter: the run builds its own');
  });

  it('checkParameterPath names what exists', () => {
    assert.equal(checkParameterPath(cuba, 'dt'), null);
    assert.match(checkParameterPath(cuba, 'populations.exc.values.nope')!, /'nope' is not a parameter or variable of population 'exc' \(neuron 'cuba_lif': El, Vr, Vt, tau_m, tau_e, tau_i, v, g_exc, g_inh.*refractory\)/);
    assert.match(checkParameterPath(cuba, 'projections.nope.connector.weights')!, /no projection 'nope' \(declared: exc_exc, exc_inh, inh_exc, inh_inh\)/);
    assert.match(checkParameterPath(cuba, 'projections.exc_exc.values.w')!, /connector\.weights/);
    assert.match(checkParameterPath(cuba, 'projections.exc_exc.values.tau')!, /synapse 'static': none/);
    assert.match(checkParameterPath(cuba, 'constants.I0')!, /no constant 'I0' \(declared: none\)/);
    assert.match(checkParameterPath(cuba, 'monitors.0.period')!, /unknown section 'monitors'/);
    assert.match(checkParameterPath(cuba, 'populations..values')!, /not a parameter path/);
    assert.throws(() => applyParameters(cuba, { dt: -1, 'constants.k': 1 }), /dt must be > 0[\s\S]*no constant 'k'/);
  });
});

describe('sweep file on disk', () => {
  it('resolves network paths relative to the sweep file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-spec-'));
    writeFileSync(join(dir, 's.yaml'), `network: ${join(EXAMPLES, 'cuba.yaml')}\nduration: 10\n`);
    assert.equal(loadSweepSpec(join(dir, 's.yaml')).network.name, 'cuba');
    writeFileSync(join(dir, 'r.yaml'), 'network: cuba.yaml\nduration: 10\n');
    assert.throws(() => loadSweepSpec(join(dir, 'r.yaml')), (e: SpecError) => e instanceof SpecError && e.file === join(dir, 'cuba.yaml'));
  });
});

describe('sweeps given as objects (the sweep API)', () => {
  const vary = { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights'], values: [1.2, 2.0] }] };

  it('a network spec object gives the same sweep (and id) as the file that holds it', () => {
    const fromFile = sweep(`name: same\nnetwork: cuba.yaml\nduration: 100\nvary:\n  grid:\n    - { name: we, paths: [projections.exc_exc.connector.weights], values: [1.2, 2.0] }\n`);
    const fromObject = sweepSpecFromObject({ name: 'same', network: cuba, duration: 100, vary });
    assert.deepEqual(fromObject, fromFile);
    assert.deepEqual(sweepSpecFromObject({ name: 'same', network: 'cuba.yaml', duration: 100, vary }, { baseDir: EXAMPLES }), fromFile);
  });

  it('takes a network built with the Network API (net.toSpec())', async () => {
    const { cubaNetwork } = await import('../examples/cuba.js');
    const spec = cubaNetwork({ neurons: 400 }).toSpec();
    const s = sweepSpecFromObject({ name: 'api', network: spec, duration: 100, vary, backend: 'serial' });
    assert.deepEqual(s.network, spec);
    assert.equal(s.backend, 'serial');
    assert.equal(runCount(s.plan), 2);
  });

  it('needs a name; errors name the object and the field', () => {
    assert.throws(() => sweepSpecFromObject({ network: cuba, duration: 100, vary }), (e: unknown) => e instanceof SpecError && /\n\s+<sweep definition> name: a sweep given as an object needs a name/.test(e.message));
    assert.throws(() => sweepSpecFromObject({ name: 'x', network: cuba, duration: -1, vary }, { label: 'my sweep' }), (e: unknown) => e instanceof SpecError && /\n\s+my sweep duration: duration must be > 0 ms/.test(e.message));
  });
});
