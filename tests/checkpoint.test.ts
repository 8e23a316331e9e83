// Checkpoints: a run stopped, written to disk and continued (in a new network, as another worker
// would) ends with exactly the spikes, variables and weights of an uninterrupted run; named
// snapshots in memory; bad checkpoints are refused before anything changes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Network, loadNetworkSpec, Uniform, STDP, Poisson, type NetworkSpec } from '../network/index.js';
import { CheckpointError } from '../network/state/index.js';
import { python } from './helpers/python.js';

const dir = mkdtempSync(join(tmpdir(), 'spikesweep-ckpt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Spikes of every monitor as "population:step:neuron" strings, in recording order.
function spikes(net: Network): string[] {
  return net.monitors.flatMap((m) => {
    const { neurons, times } = m.get('spike');
    return [...neurons].map((n, k) => `${m.spec.target}:${Math.round(times[k] / net.dt)}:${n}`);
  });
}

function finalState(net: Network): Record<string, unknown[]> {
  return Object.fromEntries(net.arrays().filter((a) => a.settable || a.state).map((a) => [a.name, [...net.getArray(a.name)]]));
}

function stdpSpec(): NetworkSpec {
  const net = new Network({ dt: 0.1, seed: 5, name: 'stdp' });
  const input = net.create(200, Poisson, { name: 'input' }).set({ rates: 15 });
  const out = net.create(50, { ...loadNetworkSpec('examples/cuba.yaml').neurons.cuba_lif }, { name: 'out' }).set({ v: Uniform(-60, -50) });
  net.connect({ pre: input, post: out, target: 'exc', synapse: STDP, name: 'plastic' }).fixedProbability(0.3, Uniform(0.2, 0.8));
  net.monitor(input, 'spike');
  net.monitor(out, 'spike');
  return net.toSpec();
}

const networks: [string, () => NetworkSpec][] = [
  ['CUBA', () => loadNetworkSpec('examples/cuba.yaml')],
  ['COBA', () => loadNetworkSpec('examples/coba.yaml')],
  ['STDP', stdpSpec],
];

for (const [name, make] of networks) {
  describe(`${name}: 1000 ms straight vs. checkpointed and continued elsewhere`, () => {
    test('identical spikes, variables and weights at three checkpoint times', async () => {
      const straight = Network.fromSpec(make());
      await straight.compile();
      await straight.simulate(1000);
      const expected = spikes(straight);
      const expectedState = finalState(straight);
      assert.ok(expected.length > 100, `${expected.length} spikes`);

      // The step right after the busiest step of the run (a burst), and two ordinary points.
      const perStep = new Map<number, number>();
      for (const s of expected) { const step = Number(s.split(':')[1]); perStep.set(step, (perStep.get(step) ?? 0) + 1); }
      const burst = [...perStep].sort((a, b) => b[1] - a[1])[0][0] + 1;
      for (const at of [333.3, 500, burst * 0.1]) {
        const first = Network.fromSpec(make());
        await first.compile();
        await first.simulate(at);
        const before = spikes(first);
        const path = join(dir, `${name}-${at}.ckpt`);
        await first.checkpoint(path);
        first.destroy();
        const second = await Network.restore(path);
        await second.simulate(1000 - Math.round(at / 0.1) * 0.1);
        assert.equal(second.currentStep, 10000);
        assert.deepEqual([...before, ...spikes(second)].sort(), [...expected].sort(), `checkpoint at ${at} ms`);
        assert.deepEqual(finalState(second), expectedState, `state after a checkpoint at ${at} ms`);
        second.destroy();
      }
      straight.destroy();
    });
  });
}

test('store/restore: a named snapshot replays the same future', async () => {
  const net = Network.fromSpec(loadNetworkSpec('examples/cuba.yaml'));
  await net.compile();
  await net.simulate(200);
  spikes(net);
  await net.store('at200');
  await net.simulate(300);
  const first = spikes(net);
  await net.restore('at200');
  assert.equal(net.t, 200);
  await net.simulate(300);
  assert.deepEqual(spikes(net), first);
  await assert.rejects(net.restore('nope'), /no stored state 'nope'/);
  net.destroy();
});

describe('bad checkpoints are refused and change nothing', () => {
  test('corrupted, truncated, foreign and missing files', async () => {
    const net = Network.fromSpec(loadNetworkSpec('examples/cuba.yaml'));
    await net.compile();
    await net.simulate(100);
    const good = join(dir, 'good.ckpt');
    await net.checkpoint(good);
    const bytes = readFileSync(good);

    const corrupted = join(dir, 'corrupted.ckpt');
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(flipped.length / 2)] ^= 0xff;
    writeFileSync(corrupted, flipped);
    await assert.rejects(Network.restore(corrupted), (e) => e instanceof CheckpointError && /checksum/.test(e.message));

    const truncated = join(dir, 'truncated.ckpt');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 1000));
    await assert.rejects(Network.restore(truncated), (e) => e instanceof CheckpointError && /truncated or corrupted/.test(e.message));

    const notOne = join(dir, 'not.ckpt');
    writeFileSync(notOne, 'hello');
    await assert.rejects(Network.restore(notOne), (e) => e instanceof CheckpointError && /not a spikesweep checkpoint/.test(e.message));
    await assert.rejects(Network.restore(join(dir, 'missing.ckpt')), (e) => e instanceof CheckpointError && /cannot read/.test(e.message));

    // A checkpoint of another structure into this network: refused before any value changes.
    const other = Network.fromSpec(loadNetworkSpec('examples/coba.yaml'));
    await other.compile();
    const foreign = join(dir, 'coba.ckpt');
    await other.checkpoint(foreign);
    const v = net.getPopulation('exc').get('v');
    await assert.rejects(net.restoreCheckpoint(foreign), (e) => e instanceof CheckpointError && /another network structure/.test(e.message));
    assert.deepEqual(net.getPopulation('exc').get('v'), v);
    assert.equal(net.t, 100);

    // Rewriting a checkpoint replaces it whole; no temporary file is left behind.
    await net.checkpoint(good);
    assert.ok(existsSync(good));
    assert.deepEqual(readFileSync(good).subarray(0, 8), bytes.subarray(0, 8));
    net.destroy();
    other.destroy();
  });
});

test('save/load writes NumPy files any tool can read and sets them back', async () => {
  const net = Network.fromSpec(loadNetworkSpec('examples/cuba.yaml'));
  await net.compile();
  await net.simulate(50);
  const values = join(dir, 'values');
  await net.save(values);
  const index = JSON.parse(readFileSync(join(values, 'index.json'), 'utf8'));
  assert.ok(index.arrays.some((a: { name: string }) => a.name === 'exc.v'));
  const v = net.getPopulation('exc').get('v') as Float64Array;
  const read = spawnSync(python, ['-c', 'import numpy, sys; a = numpy.load(sys.argv[1]); print(a.dtype, a.shape[0], repr(float(a[0])), repr(float(a[-1])))', join(values, 'exc.v.npy')], { encoding: 'utf8' });
  assert.equal(read.status, 0, read.stderr);
  assert.equal(read.stdout.trim(), `float64 3200 ${v[0]} ${v[3199]}`);
  net.getPopulation('exc').set({ v: 0 });
  await net.load(values);
  assert.deepEqual(net.getPopulation('exc').get('v'), v);
  net.destroy();
});
