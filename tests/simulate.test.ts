// engine (the run driver): real compiler, real addon, files read back with DuckDB. A 200-neuron CUBA
// (fixed in-degree 80, the scaling rule of docs/reference-models.md) run for 200 ms.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { resumeRun, runNetwork, type RunReport, type RunNetworkOptions } from '../engine/index.js';
import { loadRunSource } from '../report/run-source.js';
import type { Phase } from '../network/experiment/index.js';
import { SpecError } from '../network/spec/errors.js';
import { parseNetworkSpecText, validateNetworkSpec } from '../network/spec/load.js';
import type { NetworkSpec, NetworkSpecInput } from '../network/spec/schema.js';

function cuba(overrides: Partial<NetworkSpecInput> = {}, El = -49): NetworkSpec {
  const p = 0.4; // 80 / 200
  const proj = (name: string, pre: string, post: string, target: string, weights: number) =>
    ({ name, pre, post, target, connector: { type: 'fixedProbability' as const, probability: p, weights } });
  return validateNetworkSpec({
    name: 'cuba200', dt: 0.1, seed: 7, duration: 200,
    neurons: {
      lif: {
        parameters: 'El = -49.0 : population\nVr = -60.0 : population\nVt = -50.0 : population\ntau_m = 20.0 : population\ntau_e = 5.0 : population\ntau_i = 10.0 : population',
        equations: 'tau_m * dv/dt = (El - v) + g_exc + g_inh : init = -60.0\ntau_e * dg_exc/dt = -g_exc\ntau_i * dg_inh/dt = -g_inh',
        spike: 'v > Vt', reset: 'v = Vr', refractory: 5.0,
      },
    },
    populations: [
      { name: 'exc', geometry: 160, neuron: 'lif', values: { v: 'Uniform(-60, -50)', El } },
      { name: 'inh', geometry: 40, neuron: 'lif', values: { v: 'Uniform(-60, -50)', El } },
    ],
    projections: [
      proj('exc_exc', 'exc', 'exc', 'exc', 1.62), proj('exc_inh', 'exc', 'inh', 'exc', 1.62),
      proj('inh_exc', 'inh', 'exc', 'inh', -9), proj('inh_inh', 'inh', 'inh', 'inh', -9),
    ],
    monitors: [{ target: 'exc', variables: ['spike'] }, { target: 'inh', variables: ['spike'] }],
    ...overrides,
  }, 'cuba200.inline');
}

let dir: string;
let cache: string;
let connection: DuckDBConnection;
let runs = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-simulate-'));
  cache = join(dir, 'cache');
  connection = await (await DuckDBInstance.create(':memory:')).connect();
});
after(async () => {
  connection.closeSync();
  await rm(dir, { recursive: true, force: true });
});

function run(spec: NetworkSpec, opts: Partial<RunNetworkOptions> = {}): Promise<RunReport> {
  return runNetwork({ spec, outDir: join(dir, `run${runs++}`), compile: { directory: cache }, ...opts });
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

const q = (path: string) => `'${path.replaceAll("'", "''")}'`;

async function hashFile(path: string): Promise<string> {
  const rows = await query(`SELECT population, neuron, t_ms FROM read_parquet(${q(path)}) ORDER BY t_ms, population, neuron`);
  const hash = createHash('sha256');
  for (const r of rows) {
    const tail = Buffer.alloc(12);
    tail.writeInt32LE(r.neuron as number, 0);
    tail.writeDoubleLE(r.t_ms as number, 4);
    hash.update(Buffer.concat([Buffer.from(r.population as string, 'utf8'), Buffer.of(0), tail]));
  }
  return hash.digest('hex');
}

describe('runNetwork', () => {
  let first: RunReport;

  test('first run: compiles, reports, writes spikes.parquet and manifest.json that agree', async () => {
    first = await run(cuba());
    assert.equal(first.compileCacheHit, false);
    assert.equal(first.seed, 7);
    assert.equal(first.threads, 1);
    assert.equal(first.simulatedMs, 200);
    assert.equal(first.runId, 'cuba200-7');
    assert.match(first.structureHash, /^[0-9a-f]+$/);
    assert.match(first.spikesSha256, /^[0-9a-f]{64}$/);
    for (const key of ['codegen', 'compile', 'build', 'simulate', 'write'] as const) {
      assert.equal(typeof first.timings[key], 'number');
      assert.ok(first.timings[key] >= 0, key);
    }
    assert.deepEqual(Object.keys(first.populations), ['exc', 'inh']);
    assert.equal(first.populations.exc.size, 160);
    assert.equal(first.populations.inh.size, 40);
    assert.ok(first.populations.exc.spikes! > 0, 'exc fires');
    const rate = first.populations.exc.meanRateHz!;
    assert.ok(Math.abs(rate - first.populations.exc.spikes! / (160 * 0.2)) < 1e-9);
    assert.equal(first.outputs.state, undefined);

    const counts = await query(`SELECT population, count(*)::INTEGER AS n, min(run_id) AS run_id FROM read_parquet(${q(first.outputs.spikes)}) GROUP BY population ORDER BY population`);
    assert.deepEqual(counts, [
      { population: 'exc', n: first.populations.exc.spikes, run_id: 'cuba200-7' },
      { population: 'inh', n: first.populations.inh.spikes, run_id: 'cuba200-7' },
    ]);
    assert.equal(await hashFile(first.outputs.spikes), first.spikesSha256);

    const manifest = JSON.parse(await readFile(first.outputs.manifest, 'utf8'));
    assert.deepEqual(manifest.report, first);
    assert.equal(manifest.spec.name, 'cuba200');
    assert.equal(manifest.versions.node, process.version);
    assert.equal(typeof manifest.versions.spikesweep, 'string');
    assert.equal(typeof manifest.host.cpuModel, 'string');
    assert.match(manifest.kernel.cacheKey, /^[0-9a-f]+$/);
    assert.equal(manifest.layout, 'single');
    assert.deepEqual(manifest.phases, [{ name: 'main', startMs: 0, endMs: 200, record: true }]);
    assert.match(String(manifest.versions.gitCommit), /^([0-9a-f]{40}|null)$/);
    assert.equal(typeof manifest.kernel.compiler.version, 'string');
    assert.equal(manifest.threads, 1);
    assert.deepEqual(manifest.checkpoints, []);
    const [phases] = await query(`SELECT list(DISTINCT phase) AS p FROM read_parquet(${q(first.outputs.spikes)})`);
    assert.deepEqual(phases.p, ['main']);
    // Only the published files: no temp files left beside them.
    assert.deepEqual((await readdir(join(first.outputs.manifest, '..'))).sort(), ['manifest.json', 'spikes.parquet']);
  });

  test('same seed ⇒ same hash; 2 threads ⇒ same hash; another seed ⇒ another hash', async () => {
    const again = await run(cuba());
    assert.equal(again.compileCacheHit, true);
    assert.equal(again.spikesSha256, first.spikesSha256);
    const threaded = await run(cuba(), { threads: 2 });
    assert.equal(threaded.threads, 2);
    assert.equal(threaded.spikesSha256, first.spikesSha256);
    assert.deepEqual(threaded.populations, first.populations);
    const other = await run(cuba(), { seed: 8 });
    assert.equal(other.seed, 8);
    assert.notEqual(other.spikesSha256, first.spikesSha256);
  });

  test('a parameter value change reuses the kernel and changes the dynamics', async () => {
    const changed = await run(cuba({}, -55));
    assert.equal(changed.compileCacheHit, true);
    assert.equal(changed.structureHash, first.structureHash);
    assert.notEqual(changed.populations.exc.spikes, first.populations.exc.spikes);
  });

  test('state monitors write state.parquet: samples × neurons rows per variable', async () => {
    const spec = cuba({
      monitors: [
        { target: 'exc', variables: ['spike', 'v', 'g_exc'], indices: [0, 5, 9], period: 1 },
        { target: 'inh', variables: ['v'], start: 100, period: 0.5 },
      ],
    });
    const report = await run(spec, { durationMs: 100.0 + 100 });
    assert.ok(report.outputs.state);
    // exc: 200 samples (every 10 steps over 2000) × 3 neurons × 2 variables; inh: 200 samples from 100 ms × 40.
    const rows = await query(`SELECT population, variable, count(*)::INTEGER AS n, count(DISTINCT t_ms)::INTEGER AS samples, min(t_ms) AS first
      FROM read_parquet(${q(report.outputs.state!)}) GROUP BY ALL ORDER BY population, variable`);
    assert.deepEqual(rows, [
      { population: 'exc', variable: 'g_exc', n: 600, samples: 200, first: 0 },
      { population: 'exc', variable: 'v', n: 600, samples: 200, first: 0 },
      { population: 'inh', variable: 'v', n: 8000, samples: 200, first: 100 },
    ]);
    const neurons = await query(`SELECT DISTINCT neuron FROM read_parquet(${q(report.outputs.state!)}) WHERE population = 'exc' ORDER BY neuron`);
    assert.deepEqual(neurons.map((r) => r.neuron), [0, 5, 9]);
    // Spikes of exc are restricted to the monitor's indices; inh spikes are not recorded.
    assert.equal(report.populations.inh.spikes, null);
    assert.equal(report.populations.inh.meanRateHz, null);
    const spikeNeurons = await query(`SELECT DISTINCT neuron FROM read_parquet(${q(report.outputs.spikes)}) ORDER BY neuron`);
    assert.ok(spikeNeurons.every((r) => [0, 5, 9].includes(r.neuron as number)));
  });

  test('no duration anywhere ⇒ SpecError naming the field', async () => {
    const spec = cuba();
    delete spec.duration;
    await assert.rejects(run(spec), (e: unknown) => e instanceof SpecError && /duration/.test(e.message));
  });

  test('a model named like a property every object has (constructor, toString) is an unknown model, not a built one', () => {
    const unknown = (overrides: Partial<NetworkSpecInput>, field: RegExp) =>
      assert.throws(() => cuba(overrides), (e: unknown) => e instanceof SpecError && field.test(e.message));
    const pop = (neuron: string) => ({ populations: [{ name: 'exc', geometry: 10, neuron }], projections: [], monitors: [] });
    unknown(pop('constructor'), /populations\[0\]\.neuron: unknown neuron model 'constructor'/);
    unknown(pop('__proto__'), /populations\[0\]\.neuron: unknown neuron model '__proto__'/);
    unknown({ projections: [{ name: 'e', pre: 'exc', post: 'exc', target: 'exc', synapse: 'toString', connector: { type: 'oneToOne', weights: 1 } }] },
      /projections\[0\]\.synapse: unknown synapse model 'toString'/);
    unknown({ boldMonitors: [{ name: 'b', populations: ['exc'], model: 'hasOwnProperty' }] } as Partial<NetworkSpecInput>, /boldMonitors\[0\]\.model: unknown BOLD model 'hasOwnProperty'/);
  });

  test('a population past 32-bit neuron indices is a spec error; a network larger than the machine\'s memory is refused before it is built', async () => {
    const one = (geometry: number | number[]) => ({ populations: [{ name: 'exc', geometry, neuron: 'LIF_CUBA' }], projections: [], monitors: [] });
    assert.throws(() => cuba(one([100_000, 100_000])), (e: unknown) => e instanceof SpecError
      && /populations\[0\]\.geometry: 10,000,000,000 neurons: a population holds at most 2,147,483,647 \(neuron indices are 32-bit\)/.test(e.message));
    // 2e9 neurons of LIF_CUBA: ~100 GiB of state, more than any machine this suite runs on.
    await assert.rejects(run(cuba(one(2_000_000_000))), /^Error: network cuba200 needs 10\d\.\d GiB of memory \(its state and 0 synapses expected\), more than this machine's \d+\.\d GiB$/);
  });

  test('what a run cannot count is refused before it starts: a duration of more than 2^53 steps, a phase under one step, a checkpoint interval under dt', async () => {
    const refused = async (opts: Partial<RunNetworkOptions>, field: RegExp) =>
      assert.rejects(run(cuba(), opts), (e: unknown) => e instanceof SpecError && field.test(e.message));
    await refused({ durationMs: 1e308 }, /duration: duration 1e\+308 ms is Infinity steps of dt = 0\.1 ms, more than a run counts/);
    await refused({ checkpointEveryMs: 0.01 }, /checkpointEvery: checkpointEvery must be at least dt = 0\.1 ms, got 0\.01/);
    const tiny: Phase[] = [{ name: 'tiny', durationMs: 0.04, record: true, set: [], reset: false }, { name: 'main', durationMs: 5, record: true, set: [], reset: false }];
    await refused({ protocol: tiny }, /protocol\[0\]\.duration: phase 'tiny' lasts 0\.04 ms, under one step of dt = 0\.1 ms: it would never run/);
    // Phases end at their end times rounded to whole steps: four of 0.25 ms are 1 ms, not 1.2.
    const quarters: Phase[] = ['a', 'b', 'c', 'd'].map((name) => ({ name, durationMs: 0.25, record: true, set: [], reset: false }));
    const report = await run(cuba(), { protocol: quarters });
    const manifest = JSON.parse(await readFile(report.outputs.manifest, 'utf8'));
    assert.deepEqual(manifest.phases.map((p: { startMs: number; endMs: number }) => [p.startMs, p.endMs].map((ms) => Math.round(ms * 10))), [[0, 3], [3, 5], [5, 8], [8, 10]]);
  });

  test('a negative refractory period, and a name that is no folder name, are spec errors; a huge refractory period lasts for ever', async () => {
    assert.throws(() => cuba({ populations: [{ name: 'exc', geometry: 4, neuron: 'LIF_CUBA', values: { refractory: 'Uniform(-1, 2)' } }], projections: [], monitors: [] }),
      /populations\[0\]\.values\.refractory: a refractory period is ≥ 0 ms, got -1 at the low end of the distribution/);
    assert.throws(() => cuba({ name: '../escaped' }), /name: expected a name of letters, digits, _ \. - \(it names the output folder\)/);
    // 1e300 ms is far beyond int64 steps: each neuron spikes once and never again.
    const once = cuba({ populations: [{ name: 'exc', geometry: 4, neuron: 'LIF_CUBA', values: { i_offset: 30, refractory: 1e300 } }], projections: [], monitors: [{ target: 'exc', variables: ['spike'] }] });
    assert.equal((await run(once, { durationMs: 20 })).populations.exc.spikes, 4);
  });

  test('a projection that could have no effect is a spec error: a target the post neuron never reads, a pre that never spikes, a spike source as post', () => {
    const net = (projections: NetworkSpecInput['projections'], extra: Partial<NetworkSpecInput> = {}) => () => cuba({ projections, monitors: [], ...extra });
    const connector = { type: 'allToAll' as const, weights: 1 };
    assert.throws(net([{ name: 'typo', pre: 'exc', post: 'inh', target: 'exe', connector }]),
      /projections\[0\]\.target: neuron 'lif' of population 'inh' reads no 'exe' \(g_exe\): the projection would have no effect \(it reads exc, inh\)/);
    assert.throws(net([{ name: 'silent', pre: 'rate', post: 'exc', target: 'exc', connector }], {
      neurons: { ...cuba().neurons, rate: { equations: 'tau * dr/dt = 1 - r', parameters: 'tau = 10.0' } },
      populations: [...cuba().populations, { name: 'rate', geometry: 2, neuron: 'rate' }],
    }), /projections\[0\]\.pre: neuron 'rate' of population 'rate' has no spike condition/);
    assert.throws(net([{ name: 'into', pre: 'exc', post: 'src', target: 'exc', connector }], {
      populations: [...cuba().populations, { name: 'src', geometry: 1, neuron: 'SpikeSourceArray', spikeTimes: [[1]] }],
    }), /projections\[0\]\.post: population 'src' is a spike source: a projection onto it has no effect/);
  });

  test('monitors, spike sources and delays: what the core could not do as written is a spec error', () => {
    const refused = (overrides: Partial<NetworkSpecInput>, field: RegExp) => assert.throws(() => cuba(overrides), (e: unknown) => e instanceof SpecError && field.test(e.message));
    refused({ monitors: [{ target: 'exc', variables: ['v', 'v'] }] }, /monitors\[0\]\.variables: each variable once/);
    refused({ monitors: [{ target: 'exc', variables: ['v'], indices: [1, 1] }] }, /monitors\[0\]\.indices: each neuron once/);
    refused({ monitors: [{ target: 'exc', variables: ['v'], period: 0.01 }] }, /monitors\[0\]\.period: a sampling period is at least dt = 0\.1 ms/);
    refused({ monitors: [{ target: 'exc', variables: ['v'], start: 1e308 }] }, /monitors\[0\]\.start: start 1e\+308 ms is more steps/);
    refused({ monitors: [{ target: 'exc', variables: ['v'], period: 0.25 }] }, /monitors\[0\]\.period: a sampling period is a whole number of steps of dt = 0\.1 ms; 0\.25 ms would sample every 0\.3 ms/);
    const source = { name: 'src', geometry: 1, neuron: 'SpikeSourceArray', spikeTimes: [[1]] };
    refused({ populations: [...cuba().populations, { ...source, values: { v: 3 } }] }, /populations\[2\]\.values\.v: a SpikeSourceArray has no parameters or variables/);
    refused({ populations: [{ ...cuba().populations[0], spikeTimes: Array(160).fill([1]) }, cuba().populations[1]] }, /populations\[0\]\.spikeTimes: spikeTimes drive a SpikeSourceArray population; 'exc' is of neuron 'lif'/);
    refused({ projections: [{ name: 'slow', pre: 'exc', post: 'inh', target: 'exc', connector: { type: 'allToAll', weights: 1, delays: 'Uniform(1, 10000)' } }] },
      /projections\[0\]\.connector\.delays: per-synapse delays reach 10000 ms, 100000 steps of dt = 0\.1 ms; they can be at most 65535 steps/);
  });

  test('a field given in a form none of its forms match says what that field takes', () => {
    const e = (() => { try { parseNetworkSpecText('name: g\npopulations: [ { name: a, geometry: ten, neuron: 5 } ]\n', 'g.yaml'); } catch (x) { return x as Error; } })();
    assert.match(e?.message ?? '', /g\.yaml:2:\d+ populations\[0\]\.geometry: expected a positive integer, or a list of them \(a grid\)/);
    assert.match(e?.message ?? '', /populations\[0\]\.neuron: expected a neuron model name/);
  });

  test('two monitors recording one neuron\'s variable are refused by a run: state.parquet could not tell their rows apart', async () => {
    const twice = cuba({ monitors: [{ target: 'exc', variables: ['v'], indices: [0, 1] }, { target: 'exc', variables: ['v'], indices: [1, 2], period: 1 }] });
    await assert.rejects(run(twice, { durationMs: 5 }), (e: unknown) => e instanceof SpecError
      && /monitors\[1\]\.variables\[0\]: another monitor records exc\.v of the same neurons; state\.parquet could not tell their rows apart/.test(e.message));
    await run(cuba({ monitors: [{ target: 'exc', variables: ['v'], indices: [0, 1] }, { target: 'exc', variables: ['v'], indices: [2, 3], period: 1 }] }), { durationMs: 5 });
  });

  test('a JSON file that gives a key twice is refused with its line, as YAML is', () => {
    const text = '{"name": "twice", "dt": 0.1,\n "dt": 0.05, "populations": [{"name": "a", "geometry": 2, "neuron": "LIF_CUBA"}]}';
    assert.throws(() => parseNetworkSpecText(text, 'twice.json'), /twice\.json:2:\d+ YAML syntax: Map keys must be unique/);
    assert.equal(parseNetworkSpecText(text.replace('"dt": 0.05, ', ''), 'once.json').dt, 0.1);
  });

  test('a run into a folder an earlier run used leaves only its own files: no stale state, layout or report', async () => {
    const outDir = join(dir, 'reused');
    const stateful = cuba({ monitors: [{ target: 'exc', variables: ['spike', 'v'], indices: [0], period: 1 }] });
    await runNetwork({ spec: stateful, outDir, compile: { directory: cache }, durationMs: 20 });
    await mkdir(join(outDir, 'report'));
    assert.deepEqual((await readdir(outDir)).sort(), ['manifest.json', 'report', 'spikes.parquet', 'state.parquet']);
    await copyFile(join(outDir, 'state.parquet'), join(dir, 'stale-state.parquet'));
    await runNetwork({ spec: cuba(), outDir, compile: { directory: cache }, durationMs: 20 });
    assert.deepEqual((await readdir(outDir)).sort(), ['manifest.json', 'spikes.parquet'], 'the spikes-only run left no state.parquet nor the old report');
    // A stale file put back (a folder from before this cleanup): the report reads what the manifest names.
    await copyFile(join(dir, 'stale-state.parquet'), join(outDir, 'state.parquet'));
    assert.equal(loadRunSource(outDir).state, null);
    await runNetwork({ spec: cuba(), outDir, compile: { directory: cache }, durationMs: 20, checkpointEveryMs: 10 });
    assert.deepEqual((await readdir(outDir)).sort(), ['checkpoints', 'manifest.json', 'progress.json', 'spikes'], 'the checkpointed run left no single-layout spikes.parquet');
  });

  test('an aborted run rejects and leaves no Parquet file behind', async () => {
    const controller = new AbortController();
    const outDir = join(dir, 'aborted');
    await assert.rejects(
      runNetwork({
        spec: cuba(), outDir, compile: { directory: cache }, durationMs: 2000, windowSteps: 100, signal: controller.signal,
        onProgress: (done) => { if (done >= 50) controller.abort(); },
      }),
      (e: unknown) => e instanceof Error && e.name === 'AbortError',
    );
    assert.deepEqual(await readdir(outDir), []);
  });

  // warmup (not recorded) → high (exc El raised, half of inh set) → low (reset, 3 neurons set).
  const protocol: Phase[] = [
    { name: 'warmup', durationMs: 50, record: false, set: [], reset: false },
    { name: 'high', durationMs: 60, record: true, set: [{ population: 'exc', values: { El: -45 } }, { population: 'inh', values: { v: -50.5 }, proportion: 0.5 }], reset: false },
    { name: 'low', durationMs: 40, record: true, set: [{ population: 'exc', values: { v: [-50.5, -50.2, -50.1] }, indices: [0, 1, 2] }], reset: true },
  ];
  const withState = () => cuba({
    monitors: [{ target: 'exc', variables: ['spike', 'v'], indices: [0, 1], period: 1 }, { target: 'inh', variables: ['spike'] }],
  });
  let phased: RunReport;

  test('a protocol: phases in order, the phase column in spikes and state, phase times in the manifest', async () => {
    phased = await run(withState(), { protocol });
    assert.equal(phased.simulatedMs, 150);
    const windows = await query(`SELECT phase, count(*)::INTEGER AS n, min(t_ms) AS first, max(t_ms) AS last
      FROM read_parquet(${q(phased.outputs.spikes)}) GROUP BY phase ORDER BY first`);
    assert.deepEqual(windows.map((w) => w.phase), ['high', 'low'], 'nothing recorded in warmup');
    assert.ok((windows[0].first as number) >= 50 && (windows[0].last as number) < 110);
    assert.ok((windows[1].first as number) >= 110 && (windows[1].last as number) < 150);
    const states = await query(`SELECT phase, count(DISTINCT t_ms)::INTEGER AS samples, min(t_ms) AS first, max(t_ms) AS last
      FROM read_parquet(${q(phased.outputs.state!)}) GROUP BY phase ORDER BY first`);
    assert.deepEqual(states.map((r) => [r.phase, r.samples]), [['high', 60], ['low', 40]]);
    assert.deepEqual([states[0].first, states[1].first], [50, 110]);
    const manifest = JSON.parse(await readFile(phased.outputs.manifest, 'utf8'));
    assert.deepEqual(manifest.phases, [
      { name: 'warmup', startMs: 0, endMs: 50, record: false },
      { name: 'high', startMs: 50, endMs: 110, record: true },
      { name: 'low', startMs: 110, endMs: 150, record: true },
    ]);
    assert.deepEqual(manifest.protocol, protocol);
    // Rates count only the recorded time (100 ms of 150).
    assert.ok(Math.abs(phased.populations.exc.meanRateHz! - phased.populations.exc.spikes! / (2 * 0.1)) < 1e-9);
    assert.equal(await hashFile(phased.outputs.spikes), phased.spikesSha256);
    // The set actions and the reset change the dynamics.
    const plain = await run(withState(), { protocol: protocol.map((p) => ({ ...p, set: [], reset: false })) });
    assert.notEqual(plain.spikesSha256, phased.spikesSha256);
  });

  test('a protocol checkpointed mid-phase and at a phase boundary, truncated then resumed ⇒ the uninterrupted run', async () => {
    const outDir = join(dir, 'phased-resume');
    // 80 ms truncates the protocol inside 'high'; checkpoints at 55 (mid-phase), 80 (the end),
    // then after the resume at 110 (the high → low boundary, before low's reset) and 150.
    const part = await runNetwork({ spec: withState(), protocol, outDir, compile: { directory: cache }, durationMs: 80, checkpointEveryMs: 55 });
    assert.equal(part.simulatedMs, 80);
    const resumed = await resumeRun({ outDir, compile: { directory: cache }, durationMs: 150 });
    assert.equal(resumed.spikesSha256, phased.spikesSha256);
    assert.deepEqual(resumed.populations, phased.populations);
    for (const kind of ['spikes', 'state'] as const) {
      const cols = kind === 'spikes' ? 'phase, population, neuron, t_ms' : 'phase, population, neuron, t_ms, variable, value';
      const a = await query(`SELECT ${cols} FROM read_parquet(${q(join(outDir, kind, '*.parquet'))}) ORDER BY ALL`);
      const b = await query(`SELECT ${cols} FROM read_parquet(${q(kind === 'spikes' ? phased.outputs.spikes : phased.outputs.state!)}) ORDER BY ALL`);
      assert.equal(a.length, b.length, kind);
      assert.deepEqual(a, b, kind);
    }
    const manifest = JSON.parse(await readFile(resumed.outputs.manifest, 'utf8'));
    assert.deepEqual(manifest.checkpoints.map((c: { tMs: number }) => c.tMs), [55, 80, 110, 150]);
    assert.deepEqual(manifest.resumes.map((r: { fromMs: number }) => r.fromMs), [80]);
  });

  test('finalCheckpoint false: the last part is committed without a checkpoint; a resume from the one before gives the same run', async () => {
    const outDir = join(dir, 'no-final-checkpoint');
    const report = await runNetwork({ spec: withState(), protocol, outDir, compile: { directory: cache }, durationMs: 150, checkpointEveryMs: 55, finalCheckpoint: false });
    assert.equal(report.spikesSha256, phased.spikesSha256);
    const manifest = JSON.parse(await readFile(report.outputs.manifest, 'utf8'));
    assert.deepEqual(manifest.checkpoints.map((c: { tMs: number }) => c.tMs), [55, 110]);
    assert.deepEqual(manifest.files.spikes.parts.map((p: { toMs: number }) => p.toMs), [55, 110, 150]);
    assert.deepEqual(await readdir(join(outDir, 'checkpoints')), [`step-${Math.round(110 / withState().dt)}.ckpt`]);
    // As after a crash between the last part and the manifest: progress.json names the checkpoint at 110 ms.
    const resumed = await resumeRun({ outDir, compile: { directory: cache }, finalCheckpoint: false });
    assert.equal(resumed.spikesSha256, phased.spikesSha256);
    const rows = await query(`SELECT phase, population, neuron, t_ms FROM read_parquet(${q(join(outDir, 'spikes', '*.parquet'))}) ORDER BY ALL`);
    const straight = await query(`SELECT phase, population, neuron, t_ms FROM read_parquet(${q(phased.outputs.spikes)}) ORDER BY ALL`);
    assert.deepEqual(rows, straight);
  });

  test('a duration longer than the protocol is refused', async () => {
    await assert.rejects(run(withState(), { protocol, durationMs: 151 }), (e: unknown) => e instanceof SpecError && /longer than the protocol \(150 ms/.test(e.message));
  });
});
