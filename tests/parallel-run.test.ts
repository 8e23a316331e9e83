// ANNarchy's parallel_run, copy and clear on our Network: copies of one compiled network run in
// this process on the kernel it already loaded, with the sweep's seed policies, and give the
// spikes a real sweep (Temporal dev server, worker process) and `spikesweep run` give for the
// same values and seeds.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Network, ParallelRunError, type NetworkSpec } from '../network/index.js';
import { copySeedPolicy } from '../network/api/parallel-run.js';
import { loadSweepSpec } from '../sweeps/spec.js';
import { policySeeds, randomSeeds, seedAt, seedsOf } from '../workflows/plan/expand.js';
import { runCli, spikesweep } from './helpers/cli.js';
import { cliEnv, readRuns, startWorker, writeSmallNetwork, writeSweepFile, type WorkerProcess } from './helpers/sweep.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

const DURATION = 200;
const EL = [-49, -50.5, -52];

let dir: string;
let specFile: string;
let spec: NetworkSpec;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-parallel-run-'));
  specFile = await writeSmallNetwork(dir);
  spec = { ...JSON.parse(await readFile(specFile, 'utf8')), seed: 42 };
});

after(async () => {
  if (process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

async function compiled(): Promise<Network> {
  const net = Network.fromSpec(spec);
  await net.compile();
  return net;
}

/** Copy k with exc's El = EL[k], simulated for DURATION: its spike hash. */
async function withEl(copy: Network, k: number): Promise<string> {
  copy.getPopulation('exc').set({ El: EL[k] });
  await copy.simulate(DURATION);
  return copy.spikesSha256();
}

describe('parallelRun equals a sweep over the same values and seeds', () => {
  let temporal: TestTemporal;
  let worker: WorkerProcess | null = null;

  before(async () => { temporal = await startTestTemporal(); });
  after(async () => {
    await worker?.kill();
    await temporal?.stop();
  });

  test("'sequential' copies setting El per copy have the spikesSha256 of the sweep's runs", { timeout: 300_000 }, async () => {
    const net = await compiled();
    const run = await net.parallelRun(withEl, 3, { seeds: 'sequential' });
    assert.deepEqual(run.seeds, [43, 44, 45], 'seed + k + 1');
    assert.equal(new Set(run.results).size, 3, 'three different runs');

    const file = await writeSweepFile(dir, 'el-sequential', {
      name: 'el-sequential', network: specFile, duration: DURATION, output: join(dir, 'sweeps'), maxConcurrent: 3,
      vary: { grid: [{ name: 'El', paths: ['populations.exc.values.El'], values: EL }] },
      seeds: { policy: 'sequential', base: 42, count: 3 },
    });
    assert.deepEqual(seedsOf(loadSweepSpec(file).plan), run.seeds, "the sweep's sequential policy gives the copies' seeds");
    worker = startWorker(temporal.address, { concurrency: 2 });
    await worker.ready;
    const r = await spikesweep(['sweep', file, '--json'], cliEnv(temporal.address)).done;
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
    const rows = await readRuns((r.json as { output: string }).output);
    // Seeds vary fastest: run 3p + k is El[p] with seed 43 + k; copy k is the diagonal p = k.
    for (let k = 0; k < 3; k++) {
      const row = rows[3 * k + k];
      assert.equal(row.El, EL[k]);
      assert.equal(row.seed, run.seeds[k]);
      assert.equal(row.spikes_sha256, run.results[k], `copy ${k}`);
    }
    net.destroy();
  });
});

describe('parallelRun', () => {
  test("{ master } draws the sweep's random seeds, and a copy equals `spikesweep run --seed` of that seed", { timeout: 120_000 }, async () => {
    const net = await compiled();
    const run = await net.parallelRun(withEl, 3, { seeds: { master: 2024 } });
    assert.equal(run.master, 2024);
    assert.deepEqual(run.seeds, [...randomSeeds(2024, 3)]);

    const file = join(dir, 'el-2.json');
    await writeFile(file, JSON.stringify({ ...spec, populations: spec.populations.map((p) => (p.name === 'exc' ? { ...p, values: { ...p.values, El: EL[2] } } : p)) }));
    const cli = await runCli(['run', file, '--seed', String(run.seeds[2]), '--duration', String(DURATION), '--json', '--out', join(dir, 'run-2')]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.json!.spikesSha256, run.results[2]);
    net.destroy();
  });

  test("'random' records its master; passing it back gives the same seeds and spikes", async () => {
    const net = await compiled();
    const first = await net.parallelRun(withEl, 2);
    assert.ok(Number.isInteger(first.master), 'random is the default and records its master');
    assert.deepEqual(first.seeds, [...randomSeeds(first.master!, 2)]);
    const again = await net.parallelRun(withEl, 2, { seeds: { master: first.master! } });
    assert.deepEqual(again, first);
    net.destroy();
  });

  test("'same' gives every copy the network's seed; a list gives each copy its own", async () => {
    const net = await compiled();
    const same = await net.parallelRun(async (copy) => { await copy.simulate(DURATION); return copy.spikesSha256(); }, 3, { seeds: 'same' });
    assert.deepEqual(same.seeds, [42, 42, 42]);
    assert.equal(same.master, undefined);
    assert.equal(new Set(same.results).size, 1, 'identical copies give identical spikes');
    await net.simulate(DURATION);
    assert.equal(net.spikesSha256(), same.results[0], 'and the spikes of the network itself');

    const list = await net.parallelRun((copy, k) => ({ k, seed: copy.seed }), 3, { seeds: [7, 5, 7] });
    assert.deepEqual(list.results, [{ k: 0, seed: 7 }, { k: 1, seed: 5 }, { k: 2, seed: 7 }]);
    assert.deepEqual(list.seeds, [7, 5, 7]);
    net.destroy();
  });

  test('at most maxConcurrent copies run at once, really at once; measureTime reports wall times', async () => {
    const net = await compiled();
    let running = 0;
    let peak = 0;
    const spans: [number, number][] = [];
    const method = async (copy: Network, k: number) => {
      peak = Math.max(peak, ++running);
      const started = performance.now();
      await copy.simulate(4 * DURATION);
      spans[k] = [started, performance.now()];
      running--;
      return k;
    };
    const run = await net.parallelRun(method, 4, { seeds: 'sequential', maxConcurrent: 2, measureTime: true });
    assert.deepEqual(run.results, [0, 1, 2, 3]);
    assert.equal(peak, 2);
    assert.ok(spans[1][0] < spans[0][1], `copy 1 simulates while copy 0 does (${spans.map((s) => s.map((x) => x.toFixed(0)).join('–')).join(', ')})`);
    assert.equal(run.wallMs!.length, 4);
    assert.ok(run.wallMs!.every((ms) => ms > 0));
    assert.ok(run.totalMs! >= Math.max(...run.wallMs!));

    peak = 0;
    const quiet = await net.parallelRun(method, 6, { seeds: 'same' });
    assert.equal(peak, Math.min(6, availableParallelism()), 'default: the cores available / 1 thread');
    assert.equal(quiet.wallMs, undefined);
    assert.equal(quiet.totalMs, undefined);
    net.destroy();
  });

  test("a copy's error rejects with its index and every other copy's result", async () => {
    const net = await compiled();
    const run = net.parallelRun(async (copy, k) => {
      if (k === 1) throw new Error('no data for this copy');
      await copy.simulate(DURATION);
      return copy.spikesSha256();
    }, 3, { seeds: [1, 2, 3] });
    const error = await run.then(() => null, (e: unknown) => e);
    assert.ok(error instanceof ParallelRunError);
    assert.equal(error.index, 1);
    assert.match(error.message, /^parallelRun: copy 1 \(seed 2\) failed: no data for this copy$/);
    assert.deepEqual(error.settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match((error.settled[0] as PromiseFulfilledResult<string>).value, /^[0-9a-f]{64}$/);
    net.destroy();
  });

  test('bad arguments are refused with a sentence naming them', async () => {
    const uncompiled = Network.fromSpec(spec);
    await assert.rejects(uncompiled.parallelRun(() => 0, 2), /parallelRun: the network is not compiled yet: call compile\(\) first/);
    const net = await compiled();
    await assert.rejects(net.parallelRun(() => 0, 0), /parallelRun: number must be an integer ≥ 1 \(how many copies to run\), got 0/);
    await assert.rejects(net.parallelRun(() => 0, 3, { seeds: [1, 2] }), /parallelRun: seeds lists 2 seeds for 3 copies; give one per copy/);
    await assert.rejects(net.parallelRun(() => 0, 2, { seeds: 'often' as never }), /parallelRun: options.seeds: expected 'same', 'sequential', 'random', \{ master: seed \} or a list of seeds/);
    await assert.rejects(net.parallelRun(() => 0, 2, { seeds: [1, -1] }), /parallelRun: options.seeds.1: expected a seed, an integer from 0 to 2\^53 - 1/);
    await assert.rejects(net.parallelRun(() => 0, 2, { maxConcurrent: 0 }), /parallelRun: options.maxConcurrent: expected an integer ≥ 1/);
    await assert.rejects(net.parallelRun(() => 0, 2, { processes: 2 } as never), /parallelRun: options.*processes/);
    net.destroy();
  });

  test('the seeds of each policy are the sweep policy\'s seeds of the same base, count and master', () => {
    fc.assert(fc.property(fc.nat({ max: 2 ** 40 }), fc.integer({ min: 1, max: 50 }), fc.nat({ max: 2 ** 31 }), (base, count, master) => {
      const sequential = policySeeds(copySeedPolicy('sequential', count, base));
      assert.deepEqual(sequential, Array.from({ length: count }, (_, k) => seedAt({ policy: 'sequential', base, count }, k)));
      assert.deepEqual(sequential, Array.from({ length: count }, (_, k) => base + k + 1));
      assert.deepEqual(policySeeds(copySeedPolicy('same', count, base)), new Array(count).fill(base));
      const drawn = policySeeds(copySeedPolicy({ master }, count, base));
      assert.deepEqual(drawn, [...randomSeeds(master, count)]);
      assert.equal(new Set(drawn).size, count, 'distinct');
      const list = Array.from({ length: count }, (_, k) => (base + 7 * k) % 1000);
      assert.deepEqual(policySeeds(copySeedPolicy(list, count, base)), list);
    }), { numRuns: 200 });
  });
});

describe('copy', () => {
  test("compiles on the original's loaded kernel, with no compiler run, and simulates independently", async () => {
    const net = await compiled();
    const copy = net.copy();
    assert.equal(copy.seed, net.seed);
    assert.equal(copy.compiledStructureHash, null, 'uncompiled');
    const report = await copy.compile();
    assert.equal(report.cacheHit, true);
    assert.equal(report.compileMs, 0, 'the kernel this process loaded, no compiler');
    assert.equal(report.structureHash, net.compiledStructureHash);
    assert.deepEqual(copy.toSpec(), net.toSpec());

    // Both at once: each writes only its own simulation, so each gives a lone run's spikes.
    await Promise.all([net.simulate(DURATION), copy.simulate(DURATION)]);
    const alone = await compiled();
    await alone.simulate(DURATION);
    assert.equal(net.spikesSha256(), alone.spikesSha256());
    assert.equal(copy.spikesSha256(), alone.spikesSha256());

    const other = net.copy({ seed: 9 });
    assert.equal(other.seed, 9);
    other.getPopulation('exc').set({ El: -55 });
    assert.equal(net.getPopulation('exc').get('El'), -49, "a copy's values are its own");
    for (const n of [net, copy, alone, other]) n.destroy();
  });
});

describe('clear', () => {
  test('drops the simulation and everything built, and the network builds and compiles anew', async () => {
    const net = await compiled();
    await net.simulate(DURATION);
    net.clear();
    assert.deepEqual([net.populations, net.projections, net.monitors, net.constants], [[], [], [], []]);
    assert.equal(net.t, 0);
    assert.equal(net.seed, 42);
    assert.throws(() => net.getPopulation('exc'), /no population 'exc' \(declared: none\)/);
    await assert.rejects(net.simulate(1), /the network is not compiled yet: call compile\(\) first/);

    const pop = net.create(10, spec.neurons.cuba_lif, { name: 'exc' });
    pop.set({ El: -45 });
    net.monitor(pop, 'spike');
    const report = await net.compile();
    assert.match(report.structureHash, /^[0-9a-f]+$/);
    assert.deepEqual(net.populations.map((p) => [p.name, p.size]), [['exc', 10]]);
    await net.simulate(DURATION);
    assert.ok(net.monitors[0].get('spike').neurons.length > 0, 'the rebuilt network spikes');
    net.destroy();
  });
});
