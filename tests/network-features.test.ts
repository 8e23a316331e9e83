// The Network model API as a user relies on it: connectors, delays, STDP, Poisson sources,
// monitors, simulateUntil/reset, built-in neuron models, constants, set/get and float precision.
// Every test compiles a real (small) network through g++ and the content-addressed cache and
// asserts values read back from the simulation.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Network, Normal, Uniform, type Population, type Projection } from '../network/index.js';
import type { NeuronDescription } from '../network/spec/schema.js';

const DT = 0.1;
const networks: Network[] = [];
after(() => { for (const n of networks) n.destroy(); });

function net(opts: { dt?: number; seed?: number; name?: string } = {}): Network {
  const n = new Network({ dt: DT, seed: 1234, ...opts });
  networks.push(n);
  return n;
}

// A probe neuron: fires once at t = fire_at and counts what arrives on g_exc (an implicit
// conductance: it holds one step of input). Neuron i of a probe population fires at step i + 1,
// so with the default one-step delay its outgoing synapses land at step i + 2 — recording
// `count` every step gives the whole connectivity matrix (weights summed per (pre, post)).
const PROBE: NeuronDescription = {
  name: 'Probe',
  parameters: 'fire_at = -1.0',
  equations: 'count = count + g_exc : init = 0.0',
  spike: 'abs(t - fire_at) < 0.5 * dt',
};

function probe(n: Network, size: number, name: string, fireAt = Array.from({ length: size }, (_, i) => (i + 1) * DT)): Population {
  return n.create(size, PROBE, { name }).set({ fire_at: fireAt });
}

/** m[i][j]: total weight from pre i to post j, read from a `count` monitor recording every step. */
function matrix(rec: { times: Float64Array; values: Float64Array; width: number }, nPre: number): number[][] {
  const row = (step: number) => {
    const r = rec.times.findIndex((t) => Math.round(t / DT) === step);
    assert.ok(r >= 0, `no sample at step ${step}`);
    return rec.values.subarray(r * rec.width, (r + 1) * rec.width);
  };
  return Array.from({ length: nPre }, (_, i) => {
    const now = row(i + 2), before = row(i + 1);
    return Array.from(now, (v, j) => Math.round((v - before[j]) * 1e9) / 1e9);
  });
}

const rowSums = (m: number[][]) => m.map((r) => r.reduce((a, b) => a + b, 0));
const colSums = (m: number[][]) => m[0].map((_, j) => m.reduce((a, r) => a + r[j], 0));
const total = (m: number[][]) => rowSums(m).reduce((a, b) => a + b, 0);

/** Step of the first sample of neuron `col` whose value differs from 0. */
function firstNonZero(rec: { times: Float64Array; values: Float64Array; width: number }, col: number): { step: number; value: number } | null {
  for (let r = 0; r < rec.times.length; r++) {
    const v = rec.values[r * rec.width + col];
    if (v !== 0) return { step: Math.round(rec.times[r] / DT), value: v };
  }
  return null;
}

function spikeCounts(rec: { neurons: Int32Array }, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (const i of rec.neurons) c[i]++;
  return c;
}

describe('connectors', () => {
  const n = net({ name: 'connectors' });
  const pops: Record<string, Population> = {};
  const sizes = { a: 30, b: 12, o1: 25, o2: 25, c: 200, f1: 30, f2: 20, g1: 20, g2: 30, h: 25, w1: 10, w2: 10 };
  for (const [name, size] of Object.entries(sizes)) pops[name] = probe(n, size, name);
  const projs: Record<string, Projection> = {
    allToAll: n.connect({ pre: pops.a, post: pops.a, target: 'exc', name: 'all' }).allToAll(1),
    allToAllSelf: n.connect({ pre: pops.b, post: pops.b, target: 'exc', name: 'allself' }).allToAll(1, undefined, { allowSelfConnections: true }),
    oneToOne: n.connect({ pre: pops.o1, post: pops.o2, target: 'exc', name: 'one' }).oneToOne(1),
    fixedProbability: n.connect({ pre: pops.c, post: pops.c, target: 'exc', name: 'prob' }).fixedProbability(0.1, Uniform(0.5, 1.5)),
    fixedNumberPre: n.connect({ pre: pops.f1, post: pops.f2, target: 'exc', name: 'npre' }).fixedNumberPre(5, 1),
    fixedNumberPost: n.connect({ pre: pops.g1, post: pops.g2, target: 'exc', name: 'npost' }).fixedNumberPost(4, 1),
    fixedNumberPreSelf: n.connect({ pre: pops.h, post: pops.h, target: 'exc', name: 'npreself' }).fixedNumberPre(6, 1),
    normal: n.connect({ pre: pops.w1, post: pops.w2, target: 'exc', name: 'normal' }).allToAll(Normal(0, 1, { min: -0.5, max: 0.5 })),
    uniform: n.connect({ pre: pops.w2, post: pops.w1, target: 'exc', name: 'uniform' }).allToAll(Uniform(0.2, 0.4)),
  };
  const monitors = Object.fromEntries(Object.keys(sizes).map((name) => [name, n.monitor(pops[name], 'count')]));
  let m: Record<string, number[][]> = {};
  const adjacency = (pre: string, post: string) => matrix(monitors[post].get('count', { keep: true }), sizes[pre as keyof typeof sizes]);

  test('compile and run the probe network', async () => {
    await n.compile();
    await n.simulate((sizes.c + 3) * DT);
    m = {
      all: adjacency('a', 'a'), allself: adjacency('b', 'b'), one: adjacency('o1', 'o2'), prob: adjacency('c', 'c'),
      npre: adjacency('f1', 'f2'), npost: adjacency('g1', 'g2'), npreself: adjacency('h', 'h'),
    };
  });

  test('allToAll within one population has no self-connections: n(n-1) synapses', () => {
    const a = m.all;
    assert.equal(total(a), 30 * 29);
    a.forEach((row, i) => row.forEach((v, j) => assert.equal(v, i === j ? 0 : 1, `(${i}, ${j})`)));
  });

  test('allToAll with allowSelfConnections: n² synapses', () => {
    assert.equal(total(m.allself), 12 * 12);
    m.allself.forEach((row) => row.forEach((v) => assert.equal(v, 1)));
  });

  test('oneToOne connects i to i only', () => {
    m.one.forEach((row, i) => row.forEach((v, j) => assert.equal(v, i === j ? 1 : 0, `(${i}, ${j})`)));
  });

  test('fixedProbability: about p·n_pre·n_post synapses, none onto itself, per-synapse weights', () => {
    const w = projs.fixedProbability.get('w') as Float64Array;
    const expected = 0.1 * 200 * 199;
    assert.ok(Math.abs(w.length - expected) < 0.05 * expected, `${w.length} synapses, expected about ${expected}`);
    const sum = w.reduce((a, b) => a + b, 0);
    // The driven matrix carries the same weights: its total is the sum of w, its diagonal is empty.
    assert.ok(Math.abs(total(m.prob) - sum) < 1e-6, `delivered ${total(m.prob)} vs weights ${sum}`);
    m.prob.forEach((row, i) => assert.equal(row[i], 0, `self-connection on ${i}`));
    const nonzero = m.prob.flat().filter((v) => v !== 0).length;
    assert.equal(nonzero, w.length, 'one synapse per connected pair');
    for (const x of w) assert.ok(x >= 0.5 && x <= 1.5, `weight ${x} outside [0.5, 1.5]`);
  });

  test('fixedNumberPre: every post neuron has exactly n distinct presynaptic neurons', () => {
    assert.deepEqual(colSums(m.npre), new Array(20).fill(5));
    for (const v of m.npre.flat()) assert.ok(v === 0 || v === 1);
  });

  test('fixedNumberPre within one population: n inputs each, never from itself', () => {
    assert.deepEqual(colSums(m.npreself), new Array(25).fill(6));
    m.npreself.forEach((row, i) => assert.equal(row[i], 0));
  });

  test('fixedNumberPost: every pre neuron has exactly n distinct postsynaptic neurons', () => {
    assert.deepEqual(rowSums(m.npost), new Array(20).fill(4));
    for (const v of m.npost.flat()) assert.ok(v === 0 || v === 1);
  });

  test('weights drawn from Normal with bounds and from Uniform respect the bounds', () => {
    const normal = projs.normal.get('w') as Float64Array;
    assert.equal(normal.length, 100);
    for (const x of normal) assert.ok(x >= -0.5 && x <= 0.5, `Normal weight ${x} outside [-0.5, 0.5]`);
    // sd 1 clipped at ±0.5: a good share sits exactly on the bounds, and values differ.
    assert.ok(normal.filter((x) => Math.abs(x) === 0.5).length > 20);
    assert.ok(new Set(normal).size > 10);
    const uniform = projs.uniform.get('w') as Float64Array;
    assert.equal(uniform.length, 100);
    for (const x of uniform) assert.ok(x >= 0.2 && x <= 0.4, `Uniform weight ${x} outside [0.2, 0.4]`);
    const mean = uniform.reduce((a, b) => a + b, 0) / uniform.length;
    assert.ok(Math.abs(mean - 0.3) < 0.03, `mean ${mean}`);
  });

  test('the same spec and seed build the same connectivity and weights', async () => {
    const twin = Network.fromSpec(n.toSpec());
    networks.push(twin);
    await twin.compile();
    assert.deepEqual(twin.getProjection('prob').get('w'), projs.fixedProbability.get('w'));
  });
});

describe('delays', () => {
  const n = net({ name: 'delays' });
  const src = n.create(1, 'SpikeSourceArray', { name: 'src', spikeTimes: [[1.0]] });
  // Multi-neuron sources are probes (one spike at fire_at): see the SpikeSourceArray test below.
  const sparseSrc = probe(n, 2, 'ssrc', [1.0, 2.0]);
  const dflt = n.create(1, 'LIF_CUBA', { name: 'dflt' });
  const fixed = n.create(1, 'LIF_CUBA', { name: 'fixed' });
  const spread = n.create(60, 'LIF_CUBA', { name: 'spread' });
  const sparse = n.create(3, 'LIF_CUBA', { name: 'sparse' });
  n.connect({ pre: src, post: dflt, target: 'exc', name: 'p_dflt' }).allToAll(1);
  n.connect({ pre: src, post: fixed, target: 'exc', name: 'p_fixed' }).allToAll(1, 2.0);
  n.connect({ pre: src, post: spread, target: 'exc', name: 'p_spread' }).allToAll(1, Uniform(0.5, 3.0));
  n.connect({ pre: sparseSrc, post: sparse, target: 'exc', name: 'p_sparse' }).fromSparse([0, 1, 0], [2, 0, 1], [0.5, 1.5, 2.5], [2.0, 3.0, 1.5]);
  const mons = Object.fromEntries([dflt, fixed, spread, sparse].map((p) => [p.name, n.monitor(p, 'g_exc')]));
  const rec: Record<string, ReturnType<(typeof mons)['x']['get']>> = {};

  test('compile and run', async () => {
    await n.compile();
    await n.simulate(8);
    for (const [k, m] of Object.entries(mons)) rec[k] = m.get('g_exc');
  });

  // The spike is emitted at step 10 (t = 1 ms); a delay of d ms lands it at step 10 + d/dt.
  test('the default delay (one step) delivers at the next step', () => {
    assert.equal(firstNonZero(rec.dflt, 0)?.step, 11);
  });

  test('a projection delay of 2 ms delivers exactly 20 steps after the spike', () => {
    const hit = firstNonZero(rec.fixed, 0)!;
    assert.equal(hit.step, 30);
    assert.ok(hit.value > 0.95 && hit.value <= 1, `g_exc ${hit.value} after a weight-1 spike`);
  });

  test('per-synapse delays from a distribution arrive at their own steps, within the bounds', () => {
    const steps = Array.from({ length: 60 }, (_, j) => firstNonZero(rec.spread, j)?.step);
    for (const s of steps) assert.ok(s !== undefined && s >= 15 && s <= 40, `arrival step ${s} outside [15, 40]`);
    assert.ok(new Set(steps).size >= 10, `only ${new Set(steps).size} distinct arrival steps`);
  });

  test('fromSparse: per-synapse weights and delays reach the right neurons at the right step', () => {
    const expect = [
      { post: 0, step: 20 + 30, w: 1.5 }, // pre 1 spikes at 2 ms, 3 ms delay
      { post: 1, step: 10 + 15, w: 2.5 }, // pre 0 at 1 ms, 1.5 ms delay
      { post: 2, step: 10 + 20, w: 0.5 }, // pre 0 at 1 ms, 2 ms delay
    ];
    for (const e of expect) {
      const hit = firstNonZero(rec.sparse, e.post);
      assert.ok(hit, `post ${e.post} received nothing`);
      assert.equal(hit.step, e.step, `post ${e.post}`);
      assert.ok(hit.value > 0.95 * e.w && hit.value <= e.w, `post ${e.post}: g_exc ${hit.value}, weight ${e.w}`);
    }
  });
});

describe('reset and spikes in flight', () => {
  test('reset() drops spikes still travelling on uniform and on per-synapse delays alike', async () => {
    const n = net({ name: 'reset_delays' });
    const src = n.create(1, 'SpikeSourceArray', { name: 'src', spikeTimes: [[1.0]] });
    const a = n.create(1, 'LIF_CUBA', { name: 'a' });
    const b = n.create(1, 'LIF_CUBA', { name: 'b' });
    n.connect({ pre: src, post: a, target: 'exc', name: 'ja' }).allToAll(1, 3.0);
    n.connect({ pre: src, post: b, target: 'exc', name: 'jb' }).allToAll(1, Uniform(3.0, 3.0));
    const ma = n.monitor(a, 'g_exc');
    const mb = n.monitor(b, 'g_exc');
    await n.compile();
    await n.simulate(2); // the spike (step 10) is on its way, due at step 40
    n.reset();
    await n.simulate(6);
    const arrivals = (r: { times: Float64Array; values: Float64Array }) =>
      [...r.values.keys()].filter((k) => r.values[k] > 0 && (k === 0 || r.values[k] > r.values[k - 1] * 1.001)).map((k) => Math.round(r.times[k] / DT));
    assert.deepEqual(arrivals(ma.get('g_exc')), [40]);
    assert.deepEqual(arrivals(mb.get('g_exc')), [40]);
  });
});

describe('SpikeSourceArray', () => {
  test('each neuron fires at its own spike times only', async () => {
    const n = net({ name: 'ssa' });
    const src = n.create(3, 'SpikeSourceArray', { name: 'src', spikeTimes: [[1.0, 4.0], [2.0], [0.5, 3.0]] });
    const m = n.monitor(src, 'spike');
    await n.compile();
    await n.simulate(6);
    const s = m.get('spike');
    const got = [...s.neurons].map((i, k) => `${Math.round(s.times[k] / DT)}:${i}`);
    assert.deepEqual(got, ['5:2', '10:0', '20:1', '30:2', '40:0']);
  });

  test('a one-neuron source fires exactly at its times, and again after reset()', async () => {
    const n = net({ name: 'ssa1' });
    const src = n.create(1, 'SpikeSourceArray', { name: 'src', spikeTimes: [[2.5, 0.3, 1.0]] });
    const m = n.monitor(src, 'spike');
    await n.compile();
    await n.simulate(4);
    assert.deepEqual([...m.get('spike').times].map((t) => Math.round(t / DT)), [3, 10, 25]);
    n.reset();
    await n.simulate(4);
    assert.deepEqual([...m.get('spike').times].map((t) => Math.round(t / DT)), [3, 10, 25]);
  });
});

describe('STDP', () => {
  // Pre neuron k fires (SpikeSourceArray); a teacher makes post neuron k fire through a strong
  // one-step input. Pair 0: pre at 10 ms, post at 15 ms (potentiation); pair 1: post at 10 ms,
  // pre at 15 ms (depression).
  const relay: NeuronDescription = { parameters: 'thr = 10.0', equations: 'v = g_exc : init = 0.0', spike: 'v > thr' };
  function build(name: string): { n: Network; proj: Projection } {
    const n = net({ name });
    const pre = probe(n, 2, 'pre', [10.0, 15.0]);
    const teacher = probe(n, 2, 'teacher', [14.9, 9.9]);
    const post = n.create(2, relay, { name: 'post' });
    const proj = n.connect({ pre, post, target: 'exc', synapse: 'STDP', name: 'stdp' }).oneToOne(0.5);
    n.connect({ pre: teacher, post, target: 'exc', name: 'teach' }).oneToOne(20);
    n.monitor(post, 'spike');
    return { n, proj };
  }

  test('pre before post potentiates, post before pre depresses', async () => {
    const { n, proj } = build('stdp');
    await n.compile();
    await n.simulate(30);
    const spikes = n.getMonitor('post').get('spike');
    assert.deepEqual([...spikes.neurons].sort(), [0, 1], 'each post neuron fires once');
    const w = proj.get('w') as Float64Array;
    // Pre event at 10.1 ms (one-step delay), post spike at 15.0 ms: Δ = 4.9 ms, τ = 20 ms.
    const dw = 0.01 * Math.exp(-4.9 / 20);
    assert.ok(Math.abs(w[0] - (0.5 + dw)) < 1e-4, `potentiated w = ${w[0]}, expected ${0.5 + dw}`);
    assert.ok(Math.abs(w[1] - (0.5 - 0.01 * Math.exp(-5.1 / 20))) < 1e-4, `depressed w = ${w[1]}`);
    assert.ok(w[0] > 0.5 && w[1] < 0.5);
  });

  test('disableLearning after compile freezes w', async () => {
    const { n, proj } = build('stdp');
    await n.compile();
    n.disableLearning();
    await n.simulate(30);
    assert.deepEqual([...(proj.get('w') as Float64Array)], [0.5, 0.5]);
    n.enableLearning();
    assert.equal(proj.spec.learning, true);
  });

  test('disableLearning before compile freezes w', async () => {
    const { n, proj } = build('stdp');
    n.disableLearning([proj]);
    await n.compile();
    await n.simulate(30);
    assert.deepEqual([...(proj.get('w') as Float64Array)], [0.5, 0.5]);
  });
});

describe('Poisson population', () => {
  test('mean rate within 3% of the configured rate; changing rates after compile takes effect', async () => {
    const n = net({ name: 'poisson' });
    const p = n.create(1000, 'Poisson', { name: 'p' }).set({ rates: 20 });
    const m = n.monitor(p, 'spike');
    await n.compile();
    const hash = n.compiledStructureHash;
    await n.simulate(10_000);
    const rate = m.get('spike').neurons.length / 1000 / 10;
    assert.ok(Math.abs(rate - 20) < 0.6, `rate ${rate} Hz, expected 20 Hz`);
    p.set({ rates: 50 });
    assert.equal((p.get('rates') as Float64Array)[0], 50);
    await n.simulate(2000);
    const rate2 = m.get('spike').neurons.length / 1000 / 2;
    assert.ok(Math.abs(rate2 - 50) < 1.5, `rate after set ${rate2} Hz, expected 50 Hz`);
    assert.equal(n.compiledStructureHash, hash);
  });
});

describe('monitors', () => {
  const n = net({ name: 'monitors' });
  // Linear ramp: v = t exactly (dv/dt = 1 with explicit Euler), so samples reveal their time.
  const ramp = n.create(5, { equations: 'dv/dt = 1.0 + 0.0 * g_exc : init = 0.0' }, { name: 'ramp' });
  const poisson = n.create(20, 'Poisson', { name: 'src' }).set({ rates: 500 });
  const periodic = n.monitor(ramp, 'v', { period: 1, start: 2, name: 'periodic' });
  const every = n.monitor(ramp, 'v', { name: 'every' });
  const view = n.monitor(poisson.view([3, 7]), 'spike', { name: 'view' });
  const viewState = n.monitor(ramp.view([1, 4]), 'v', { name: 'viewState' });
  const spikes = n.monitor(poisson, 'spike', { name: 'spikes' });

  test('period and start: samples at start, start + period, …', async () => {
    await n.compile();
    await n.simulate(10);
    const r = periodic.get('v');
    assert.deepEqual([...r.times].map((t) => +t.toFixed(6)), [2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(r.width, 5);
    assert.equal(r.values.length, 8 * 5);
    // The ramp's value after step s is (s + 1)·dt.
    const v = [...r.values].filter((_, k) => k % 5 === 0);
    v.forEach((x, k) => assert.ok(Math.abs(x - (r.times[k] + DT)) < 1e-9, `v ${x} at ${r.times[k]}`));
  });

  test('every step by default; get() empties, get(…, {keep: true}) keeps', () => {
    const first = every.get('v', { keep: true });
    assert.equal(first.times.length, 100);
    assert.deepEqual([...first.times.subarray(0, 3)].map((t) => +t.toFixed(6)), [0, 0.1, 0.2]);
    const again = every.get('v');
    assert.equal(again.times.length, 100, 'keep left the data in place');
    assert.equal(every.get('v').times.length, 0, 'get() emptied it');
  });

  test('views record only their neurons', () => {
    const s = view.get('spike');
    assert.ok(s.neurons.length > 0);
    assert.ok([...s.neurons].every((i) => i === 3 || i === 7), `view recorded ${[...new Set(s.neurons)]}`);
    const all = spikes.get('spike', { keep: true });
    const fromAll = [...all.neurons].filter((i) => i === 3 || i === 7).length;
    assert.equal(s.neurons.length, fromAll, 'the view sees every spike of its neurons');
    const st = viewState.get('v');
    assert.equal(st.width, 2);
    assert.deepEqual([...(st.indices ?? [])], [1, 4]);
    assert.equal(st.values.length, 200);
  });

  test('a monitor added after simulate() records from then on and keeps the simulated state', async () => {
    const m = net({ name: 'late_monitor' });
    const r = m.create(2, { equations: 'dv/dt = 1.0 : init = 0.0' }, { name: 'r' });
    await m.compile();
    await m.simulate(10);
    const late = m.monitor(r, 'v', { name: 'late' });
    assert.equal(m.t, 10);
    assert.ok(Math.abs((r.get('v') as Float64Array)[0] - 10) < 1e-9, 'state kept');
    await m.simulate(5);
    assert.ok(Math.abs(m.t - 15) < 1e-9, `t = ${m.t}`);
    const rec = late.get('v');
    assert.equal(rec.times.length, 50);
    assert.ok(Math.abs(rec.times[0] - 10) < 1e-9 && Math.abs(rec.values[0] - 10.1) < 1e-9, `first sample ${rec.times[0]} ms, v ${rec.values[0]}`);
    assert.throws(() => m.monitor(r, 'nope'), /no variable 'nope'/);
    await m.simulate(1); // the refused monitor left nothing behind
    assert.equal(late.get('v').times.length, 10);
  });

  test('pause and resume leave a gap', async () => {
    spikes.get('spike');
    every.get('v');
    spikes.pause();
    every.pause();
    await n.simulate(10); // 10..20 ms: not recorded
    spikes.resume();
    every.resume();
    await n.simulate(10); // 20..30 ms
    const s = spikes.get('spike');
    assert.ok(s.times.length > 0);
    assert.ok([...s.times].every((t) => t >= 20 - 1e-9), `spikes recorded while paused: ${[...s.times].filter((t) => t < 20)}`);
    const v = every.get('v');
    assert.equal(v.times.length, 100);
    assert.ok(Math.abs(v.times[0] - 20) < 1e-9);
  });
});

describe('simulateUntil and reset', () => {
  async function anyNetwork(): Promise<{ n: Network; p: Population }> {
    const n = net({ name: 'until' });
    const p = n.create(3, 'LIF_CUBA', { name: 'p', stopCondition: 'v > -55 : any' });
    p.set({ i_offset: [0, 2, -5] });
    await n.compile();
    return { n, p };
  }

  test("a population's ': any' holds as soon as one neuron satisfies it (default 'and' across populations)", async () => {
    const { n, p } = await anyNetwork();
    const t = await n.simulateUntil(100, [p]);
    assert.ok(Math.abs(t - 20 * Math.log(13 / 8)) < 0.3, `stopped at ${t} ms, expected about ${20 * Math.log(13 / 8)}`);
  });

  test('stops when v > -55 for any neuron and returns the simulated time; reset restores t = 0 and v', async () => {
    const { n, p } = await anyNetwork();
    const v0 = Float64Array.from(p.get('v') as Float64Array);
    // 'or' across one population: stop as soon as its condition holds for any neuron.
    const t = await n.simulateUntil(100, [p], 'or');
    // Neuron 1: τ dv/dt = (-47 - v), v0 = -60 → crosses -55 at 20·ln(13/8) ≈ 9.7 ms.
    const expected = 20 * Math.log(13 / 8);
    assert.ok(t > expected - 0.3 && t < expected + 0.3, `stopped at ${t} ms, expected about ${expected}`);
    assert.ok(Math.abs(n.t - t) < 1e-9);
    const v = p.get('v') as Float64Array;
    assert.ok(v[1] > -55 && v[0] <= -55, `v = ${[...v]}`);
    n.reset();
    assert.equal(n.t, 0);
    assert.equal(n.currentStep, 0);
    assert.deepEqual([...(p.get('v') as Float64Array)], [...v0]);
    // After reset the same run stops at the same time.
    assert.equal(await n.simulateUntil(100, [p], 'or'), t);
  });

  test("'all' stops only when every neuron satisfies it; no stop runs the full duration", async () => {
    const n = net({ name: 'until_all' });
    const p = n.create(2, 'LIF_CUBA', { name: 'p', stopCondition: 'v > -55 : all' });
    p.set({ i_offset: [0, 3] });
    await n.compile();
    // Neuron 0: (-49 - v), crosses -55 at 20·ln(11/6) ≈ 12.1 ms; neuron 1 earlier.
    const t = await n.simulateUntil(100, [p]);
    assert.ok(Math.abs(t - 20 * Math.log(11 / 6)) < 0.3, `stopped at ${t}`);
    n.reset();
    p.set({ i_offset: [-20, -20] }); // never reaches -55
    assert.equal(await n.simulateUntil(50, [p]), 50);
  });
});

describe('built-in neuron models under constant input', () => {
  const cases: { model: string; I: number; dt: number }[] = [
    { model: 'AdEx', I: 1000, dt: 0.1 },
    { model: 'Izhikevich', I: 10, dt: 0.1 },
    { model: 'HodgkinHuxley', I: 1, dt: 0.01 },
  ];
  for (const c of cases)
    test(`${c.model} fires regularly and never produces NaN`, async () => {
      const n = new Network({ dt: c.dt, seed: 1, name: c.model });
      networks.push(n);
      const p = n.create(2, c.model, { name: 'p' }).set({ I: c.I });
      const sm = n.monitor(p, 'spike');
      const vm = n.monitor(p, 'v');
      await n.compile();
      await n.simulate(1000);
      const v = vm.get('v').values;
      assert.ok(v.every(Number.isFinite), `${c.model}: non-finite v`);
      const s = sm.get('spike');
      const times = [...s.times].filter((_, k) => s.neurons[k] === 0);
      assert.ok(times.length >= 5, `${c.model}: ${times.length} spikes in 1 s`);
      // Regular: the last ISIs (after adaptation) agree within 2%.
      const isi = times.slice(1).map((t, k) => t - times[k]).slice(-4);
      const mean = isi.reduce((a, b) => a + b, 0) / isi.length;
      for (const x of isi) assert.ok(Math.abs(x - mean) <= 0.02 * mean + c.dt, `${c.model}: ISIs ${isi}`);
      assert.equal(spikeCounts(s, 2)[1], times.length, 'identical neurons fire identically');
    });
});

describe('constants', () => {
  test('a constant used in an equation and changed after compile takes effect', async () => {
    const n = net({ name: 'constants' });
    const k = n.constant('drive', -40);
    const p = n.create(2, { parameters: 'tau = 1.0', equations: 'tau * dv/dt = drive - v : init = 0.0' }, { name: 'p' });
    await n.compile();
    await n.simulate(20);
    for (const v of p.get('v') as Float64Array) assert.ok(Math.abs(v + 40) < 1e-3, `v ${v}`);
    k.value = 25;
    assert.equal(n.getConstant('drive').value, 25);
    await n.simulate(20);
    for (const v of p.get('v') as Float64Array) assert.ok(Math.abs(v - 25) < 1e-3, `v ${v} after drive = 25`);
    assert.throws(() => n.constant('other', 1), /already compiled/);
  });
});

describe('set and get', () => {
  const n = net({ name: 'setget' });
  const p = n.create(6, 'LIF_CUBA', { name: 'p' });

  test('before compile: numbers and arrays; a view needs a base value', () => {
    p.set({ i_offset: 1 });
    assert.equal(p.get('i_offset'), 1);
    p.slice(2, 4).set({ i_offset: 5 });
    assert.deepEqual([...(p.get('i_offset') as Float64Array)], [1, 1, 5, 5, 1, 1]);
    p.set({ v: Uniform(-60, -50) });
    assert.throws(() => p.get('v'), /distribution.*compile/);
  });

  test('after compile: shared parameter is a number, per-neuron a Float64Array', async () => {
    await n.compile();
    assert.equal(p.get('tau_m'), 20);
    assert.equal(typeof p.get('tau_m'), 'number');
    const v = p.get('v');
    assert.ok(v instanceof Float64Array && v.length === 6);
    for (const x of v) assert.ok(x >= -60 && x <= -50);
    assert.deepEqual([...(p.get('i_offset') as Float64Array)], [1, 1, 5, 5, 1, 1]);
  });

  test('setting a view changes only those neurons (before and after simulate)', async () => {
    p.view([0, 5]).set({ i_offset: 7 });
    assert.deepEqual([...(p.get('i_offset') as Float64Array)], [7, 1, 5, 5, 1, 7]);
    await n.simulate(1);
    p.view([1]).set({ i_offset: [9] });
    assert.deepEqual([...(p.get('i_offset') as Float64Array)], [7, 9, 5, 5, 1, 7]);
    assert.deepEqual([...p.view([1, 2]).get('i_offset')], [9, 5]);
    const before = Float64Array.from(p.get('v') as Float64Array);
    p.slice(3, 5).set({ v: -70 });
    const after = p.get('v') as Float64Array;
    assert.deepEqual([...after], [before[0], before[1], before[2], -70, -70, before[5]]);
  });

  test('a distribution set between compile() and the first simulate() is drawn', async () => {
    const m = net({ name: 'late_dist' });
    const q = m.create(50, 'LIF_CUBA', { name: 'q' });
    await m.compile();
    q.set({ v: Uniform(-60, -55) });
    const v = q.get('v') as Float64Array;
    for (const x of v) assert.ok(x >= -60 && x <= -55);
    assert.ok(new Set(v).size > 40, 'values drawn per neuron');
    await m.simulate(1);
    assert.ok(new Set(q.get('v') as Float64Array).size > 40, 'the simulation started from the drawn values');
  });

  test('a shared parameter set after simulate takes effect', async () => {
    p.set({ tau_m: 10 });
    assert.equal(p.get('tau_m'), 10);
    assert.throws(() => p.view([0]).set({ tau_m: 3 }), /shared/);
  });

  test('a distribution after simulate() throws a clear error', () => {
    assert.throws(() => p.set({ v: Uniform(-60, -50) }), /distribution.*before the first simulate/);
  });

  test('unknown attribute names give a clear error', () => {
    assert.throws(() => p.get('vv'), /population 'p' has no 'vv' \(attributes: .*tau_m.*\)/);
    assert.throws(() => p.set({ taum: 1 }), /population 'p' has no 'taum'/);
    const m = new Network({ dt: DT, seed: 1 });
    const q = m.create(2, 'LIF_CUBA', { name: 'q' });
    assert.throws(() => q.set({ nope: 1 }), /population 'q' has no 'nope'/);
    assert.throws(() => q.get('nope'), /population 'q' has no 'nope'/);
  });
});

describe('float precision', () => {
  function cuba(precision: 'double' | 'float'): Network {
    const n = new Network({ dt: 0.1, seed: 42, name: `cuba_${precision}` });
    networks.push(n);
    n.config({ precision });
    const exc = n.create(3200, 'LIF_CUBA', { name: 'exc' }).set({ v: Uniform(-60, -50) });
    const inh = n.create(800, 'LIF_CUBA', { name: 'inh' }).set({ v: Uniform(-60, -50) });
    for (const [pre, target, w] of [[exc, 'exc', 1.62], [inh, 'inh', -9]] as const)
      for (const post of [exc, inh]) n.connect({ pre, post, target, name: `${pre.name}_${post.name}` }).fixedProbability(0.02, w);
    n.monitor(exc, 'spike', { name: 'exc' });
    n.monitor(inh, 'spike', { name: 'inh' });
    return n;
  }
  test('float compiles and gives rates close to double (CUBA, 1 s)', async () => {
    const rates: Record<string, number> = {};
    for (const precision of ['double', 'float'] as const) {
      const n = cuba(precision);
      await n.compile();
      await n.simulate(1000);
      rates[precision] = (n.getMonitor('exc').get('spike').neurons.length + n.getMonitor('inh').get('spike').neurons.length) / 4000;
      assert.equal(typeof n.getPopulation('exc').get('tau_m'), 'number');
    }
    assert.ok(rates.double > 3 && rates.double < 9, `double rate ${rates.double}`);
    assert.ok(Math.abs(rates.float - rates.double) < 0.15 * rates.double, `float ${rates.float} Hz vs double ${rates.double} Hz`);
  });
});

describe('misuse is refused at the call, and the network stays usable', () => {
  function small(): { net: Network; p: Population } {
    const net = new Network({ dt: 0.1, seed: 1, name: 'misuse' });
    networks.push(net);
    const p = net.create(4, 'LIF_CUBA', { name: 'p' });
    return { net, p };
  }

  test('values: one per neuron on a population-wide parameter, non-finite numbers, a value that is no number', async () => {
    const { net, p } = small();
    assert.throws(() => p.set({ tau_m: [10, 20, 30, 40] }), /populations\[0\]\.values\.tau_m: 'tau_m' is one value for the whole population \(`: population` in neuron 'LIF_CUBA'\): give a number, not one per neuron/);
    await net.compile();
    assert.throws(() => p.slice(0, 2).set({ tau_m: 30 }), /'tau_m' is one value for the whole population/);
    assert.throws(() => p.set({ v: NaN }), /population 'p': 'v' takes finite numbers, got NaN/);
    assert.throws(() => p.set({ v: undefined as unknown as number }), /population 'p': 'v' takes a number, an array of numbers or a distribution, got undefined/);
    assert.equal(net.t, 0);
    p.set({ i_offset: 2 });
    assert.equal((await net.simulate(1)).stepsDone, 10);
    assert.deepEqual([...(p.get('i_offset') as Float64Array)], [2, 2, 2, 2]);
  });

  test('monitors: an unknown variable or a used name is refused when added; start: false holds one until start()', async () => {
    const { net, p } = small();
    assert.throws(() => net.monitor(p, 'vv'), /monitors\[0\]\.variables\[0\]: 'p' has no variable 'vv'/);
    assert.equal(net.monitors.length, 0);
    const held = net.monitor(p, 'v', { name: 'held', start: false });
    assert.throws(() => net.monitor(p, 'v', { name: 'held' }), /monitor: the name 'held' is already used/);
    assert.throws(() => p.view([]), /a view needs at least one neuron/);
    assert.throws(() => p.view([1.5]), /neuron 1\.5 is not a neuron index in 0\.\.3/);
    await net.compile();
    await net.simulate(1);
    assert.equal(held.get('v').times.length, 0, 'held: nothing recorded');
    held.start();
    await net.simulate(1);
    assert.equal(held.get('v').times.length, 10);
    // Compiling again rebuilds the simulation; what the monitors recorded is kept.
    await net.simulate(1);
    await net.compile();
    assert.equal(held.get('v').times.length, 10);
  });

  test('a second simulate while one runs is refused without taking stop() from it; simulateUntil checks its arguments', async () => {
    const { net, p } = small();
    await net.compile();
    const long = net.simulate(1_000_000);
    await assert.rejects(net.simulate(1), /a run is already in progress/);
    setTimeout(() => net.stop(), 50);
    const result = await long;
    assert.equal(result.cancelled, true);
    assert.ok(result.stepsDone < 10_000_000);
    await assert.rejects(net.simulateUntil(1, [p], 'xor' as 'and'), /mode must be 'and' or 'or', got 'xor'/);
    await assert.rejects(net.simulateUntil(1, []), /name at least one population/);
  });

  test('config, constants and geometry: a bad value is refused and not kept', async () => {
    const { net, p } = small();
    assert.throws(() => net.create(2.5, 'LIF_CUBA'), /create: geometry must be a positive integer or a list of them, got 2\.5/);
    assert.throws(() => net.constant('t', 100), /constants\.t: 't' is reserved in equations \(the time\)/);
    assert.throws(() => net.constant('tau_m', 1), /constants\.tau_m: 'tau_m' is also a parameter or variable of neuron 'LIF_CUBA', whose equations read their own 'tau_m', not the constant/);
    assert.deepEqual(net.constants, []);
    await net.compile();
    assert.throws(() => net.config({ numThreads: 0 }), /config\.numThreads/);
    net.monitor(p, 'spike');
    assert.equal(net.copy().populations.length, 1);
  });

  test('clear() forgets BOLD monitors too; a BOLD monitor answers start(), pause() and resume()', async () => {
    const net = new Network({ dt: 1, seed: 1, name: 'cleared' });
    networks.push(net);
    const p = net.create(4, { equations: 'r = 1.0' }, { name: 'p' });
    const bold = net.boldMonitor(p, { name: 'b' });
    bold.start();
    await net.compile({ backend: 'serial' });
    await net.simulate(10);
    assert.equal(bold.get('BOLD').times.length, 10);
    net.clear();
    assert.deepEqual(net.getExtensions(), []);
    net.create(3, 'LIF_CUBA', { name: 'q' });
    await net.compile();
    assert.equal((await net.simulate(1)).stepsDone, 1);
  });
});
