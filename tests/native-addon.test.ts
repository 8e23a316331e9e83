// native/: the node-addon-api binding, exercised against tests/fixtures/abi-fixture.cpp — a small
// hand-written library implementing spikesweep_abi.h (N neurons; x += 1 per step; spike and reset
// when x reaches the neuron's threshold). Needs g++ and a built addon (`npm run build:native`).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ABI_VERSION, loadKernel, type Kernel, type Sim } from '../native/index.js';

const run = promisify(execFile);
const FIXTURE = join(import.meta.dirname, 'fixtures', 'abi-fixture.cpp');

let dir = '';
let ok = '';
let wrongVersion = '';
let missingSymbol = '';
let unloadable = ''; // loaded by one test only, to watch it leave /proc/self/maps
let another = ''; // a second library, whose sims a batch of the first refuses

async function compile(out: string, defines: string[]): Promise<string> {
  const path = join(dir, out);
  await run('g++', ['-O2', '-shared', '-fPIC', '-I', 'native/include', ...defines, FIXTURE, '-o', path]);
  return path;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-addon-'));
  [ok, wrongVersion, missingSymbol, unloadable, another] = await Promise.all([
    compile('fixture.so', []),
    compile('fixture-v99.so', ['-DFIXTURE_ABI_VERSION=99']),
    compile('fixture-no-take.so', ['-DFIXTURE_OMIT_MONITOR_TAKE']),
    compile('fixture-unload.so', []),
    compile('fixture-another.so', []),
  ]);
});

after(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** A sim of thresholds.length neurons; sleepUs per step slows the fixture down. */
function makeSim(kernel: Kernel, thresholds: number[], sleepUs = 0, seed = 1n): Sim {
  return kernel.create({
    seed,
    threads: 1,
    values: new Float64Array([thresholds.length, sleepUs]),
    inputs: { 'pop.threshold': Float64Array.from(thresholds) },
  });
}

/** The spikes the fixture must produce for steps [from, to): neuron i spikes when (t + 1) % T_i == 0. */
function expectedSpikes(thresholds: number[], from: number, to: number): { steps: bigint[]; neurons: number[] } {
  const steps: bigint[] = [];
  const neurons: number[] = [];
  for (let t = from; t < to; t++) {
    thresholds.forEach((threshold, i) => {
      if ((t + 1) % threshold === 0) {
        steps.push(BigInt(t));
        neurons.push(i);
      }
    });
  }
  return { steps, neurons };
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

describe('loadKernel', () => {
  test('loads a library of the current ABI version', () => {
    const kernel = loadKernel(ok);
    assert.equal(ABI_VERSION, 5);
    assert.equal(kernel.abiVersion, ABI_VERSION);
    assert.equal(kernel.path, ok);
    assert.equal(kernel.structureHash, 'fixture0123456789abcdef');
  });

  test('refuses a library of another ABI version, naming the path and the expected version', () => {
    assert.throws(
      () => loadKernel(wrongVersion),
      (error: Error) => {
        assert.match(error.message, new RegExp(`ABI version 99, expected ${ABI_VERSION}`));
        assert.ok(error.message.includes(wrongVersion), error.message);
        return true;
      },
    );
  });

  test('refuses a library missing a symbol, naming it', () => {
    assert.throws(() => loadKernel(missingSymbol), (error: Error) => {
      assert.match(error.message, /does not export ss_monitor_take/);
      assert.ok(error.message.includes(missingSymbol), error.message);
      return true;
    });
  });

  test('a missing file gives a clear error', () => {
    const path = join(dir, 'nope.so');
    assert.throws(() => loadKernel(path), { message: `kernel library not found: ${path}` });
  });
});

describe('kernel.create', () => {
  test('an ss_create failure becomes a JS Error carrying the kernel message', () => {
    const kernel = loadKernel(ok);
    assert.throws(() => kernel.create({ seed: 1n, threads: 1, values: new Float64Array([0]), inputs: {} }), {
      message: /kernel\.create failed .*fixture: values\[0\] \(N\) must be >= 1, got 0/,
    });
    assert.throws(
      () =>
        kernel.create({ seed: 1n, threads: 1, values: new Float64Array([2]), inputs: { 'pop.bogus': new Int32Array(2) } }),
      { message: /unknown input 'pop\.bogus'/ },
    );
  });

  test('options are validated before reaching native code', () => {
    const kernel = loadKernel(ok);
    const values = new Float64Array([2]);
    // @ts-expect-error a number seed is a type error as well
    assert.throws(() => kernel.create({ seed: 1, threads: 1, values, inputs: {} }), TypeError);
    assert.throws(() => kernel.create({ seed: -1n, threads: 1, values, inputs: {} }), TypeError);
    assert.throws(() => kernel.create({ seed: 1n, threads: 0, values, inputs: {} }), TypeError);
  });

  test('the seed reaches the kernel (the fixture stores its low 16 bits in pop.tag[0])', () => {
    const sim = makeSim(loadKernel(ok), [3, 4], 0, 0x1_2345_6789n);
    assert.deepEqual(sim.getArray('pop.tag'), new Uint16Array([0x6789, 7]));
    sim.destroy();
  });
});

describe('arrays', () => {
  test('lists the array table with dtypes, lengths and flags', () => {
    const sim = makeSim(loadKernel(ok), [2, 3, 4]);
    const f = (name: string, dtype: string, length: number, state: boolean, settable: boolean, synaptic = false) => ({
      name, dtype, length, state, settable, synaptic, shared: false,
    });
    assert.deepEqual(sim.arrays(), [
      f('pop.x', 'f64', 3, true, true),
      f('pop.threshold', 'f64', 3, false, true),
      f('pop.spike_count', 'i64', 3, true, false),
      f('pop.gain', 'f32', 3, false, true),
      f('pop.index', 'i32', 3, false, false),
      f('pop.tag', 'u16', 3, false, true),
      f('pop.active', 'u8', 3, false, true),
      f('syn.w', 'f64', 6, false, true, true),
    ]);
    sim.destroy();
  });

  test('getArray returns copies as the typed array of each dtype', () => {
    const sim = makeSim(loadKernel(ok), [2, 3, 4]);
    assert.deepEqual(sim.getArray('pop.threshold'), new Float64Array([2, 3, 4]));
    assert.deepEqual(sim.getArray('pop.spike_count'), new BigInt64Array([0n, 0n, 0n]));
    assert.deepEqual(sim.getArray('pop.gain'), new Float32Array([1, 1, 1]));
    assert.deepEqual(sim.getArray('pop.index'), new Int32Array([0, 1, 2]));
    assert.deepEqual(sim.getArray('pop.active'), new Uint8Array([1, 1, 1]));
    assert.deepEqual(sim.getArray('syn.w'), new Float64Array(6).fill(0.5));
    const copy = sim.getArray('pop.threshold');
    copy[0] = 99;
    assert.equal(sim.getArray('pop.threshold')[0], 2);
    sim.destroy();
  });

  test('setArray round-trips every dtype, converting losslessly', () => {
    const sim = makeSim(loadKernel(ok), [2, 3, 4]);
    sim.setArray('pop.x', new Float64Array([0.25, -1.5, 1e300]));
    assert.deepEqual(sim.getArray('pop.x'), new Float64Array([0.25, -1.5, 1e300]));
    sim.setArray('pop.x', new Int32Array([7, -8, 9])); // i32 → f64
    assert.deepEqual(sim.getArray('pop.x'), new Float64Array([7, -8, 9]));
    sim.setArray('pop.gain', new Float64Array([0.5, 3, -0.125])); // exact in f32
    assert.deepEqual(sim.getArray('pop.gain'), new Float32Array([0.5, 3, -0.125]));
    sim.setArray('pop.tag', new Float64Array([65535, 0, 12])); // f64 → u16
    assert.deepEqual(sim.getArray('pop.tag'), new Uint16Array([65535, 0, 12]));
    sim.setArray('pop.active', new Uint8Array([0, 1, 0]));
    assert.deepEqual(sim.getArray('pop.active'), new Uint8Array([0, 1, 0]));
    sim.setArray('pop.spike_count', new BigInt64Array([-(2n ** 62n), 5n, 2n ** 62n]), { force: true });
    assert.deepEqual(sim.getArray('pop.spike_count'), new BigInt64Array([-(2n ** 62n), 5n, 2n ** 62n]));
    sim.setArray('pop.spike_count', new Float64Array([1, 2, 3]), { force: true }); // f64 → i64
    assert.deepEqual(sim.getArray('pop.spike_count'), new BigInt64Array([1n, 2n, 3n]));
    sim.setArray('syn.w', new Float64Array([1, 2, 3, 4, 5, 6]));
    assert.deepEqual(sim.getArray('syn.w'), new Float64Array([1, 2, 3, 4, 5, 6]));
    sim.destroy();
  });

  test('a scalar fills the array', () => {
    const sim = makeSim(loadKernel(ok), [2, 3, 4]);
    sim.setArray('pop.threshold', 6);
    assert.deepEqual(sim.getArray('pop.threshold'), new Float64Array([6, 6, 6]));
    sim.setArray('pop.spike_count', 2n ** 40n, { force: true });
    assert.deepEqual(sim.getArray('pop.spike_count'), new BigInt64Array(3).fill(2n ** 40n));
    sim.setArray('pop.tag', 3n);
    assert.deepEqual(sim.getArray('pop.tag'), new Uint16Array([3, 3, 3]));
    assert.throws(() => sim.setArray('pop.tag', 1.5), { message: "sim.setArray('pop.tag'): value 1.5 is not exactly representable as u16" });
    assert.throws(() => sim.setArray('pop.active', 256), /not exactly representable as u8/);
    sim.destroy();
  });

  test('lossy conversions, wrong lengths, unknown names and non-settable arrays are refused clearly', () => {
    const sim = makeSim(loadKernel(ok), [2, 3, 4]);
    assert.throws(() => sim.setArray('pop.tag', new Float64Array([1, 2.5, 3])), {
      message: "sim.setArray('pop.tag') (u16): element 1 (2.5) is not exactly representable as u16",
    });
    assert.deepEqual(sim.getArray('pop.tag'), new Uint16Array([1, 7, 7]), 'a failed conversion leaves the array as it was');
    assert.throws(() => sim.setArray('pop.tag', new Int32Array([1, -1, 3])), /element 1 \(-1\)/);
    assert.throws(() => sim.setArray('pop.gain', new Float64Array([0.1, 1, 1])), /element 0 \(0.10000000000000001\) is not exactly representable as f32/);
    assert.throws(() => sim.setArray('pop.x', new Float64Array(2)), {
      message: "sim.setArray('pop.x'): expected 3 values of f64 (or a scalar), got 2",
    });
    assert.throws(() => sim.setArray('pop.nope', 1), /no array named 'pop.nope' \(arrays: pop.x, pop.threshold/);
    assert.throws(() => sim.getArray('pop.nope'), /sim.getArray: no array named 'pop.nope'/);
    assert.throws(() => sim.setArray('pop.index', new Int32Array(3)), {
      message: "sim.setArray('pop.index'): the array is not settable (pass { force: true } to restore a checkpoint)",
    });
    sim.setArray('pop.index', new Int32Array([5, 6, 7]), { force: true });
    assert.deepEqual(sim.getArray('pop.index'), new Int32Array([5, 6, 7]));
    // @ts-expect-error plain arrays are not accepted
    assert.throws(() => sim.setArray('pop.x', [1, 2, 3]), TypeError);
    sim.destroy();
  });

  test('threads and the current step', () => {
    const sim = makeSim(loadKernel(ok), [2]);
    sim.setThreads(4);
    assert.throws(() => sim.setThreads(0), TypeError);
    assert.equal(sim.currentStep, 0);
    sim.setCurrentStep(1234);
    assert.equal(sim.currentStep, 1234);
    sim.destroy();
  });
});

describe('run', () => {
  test('N steps produce the expected spikes at the expected steps', async () => {
    const thresholds = [1, 2, 3, 5, 7];
    const sim = makeSim(loadKernel(ok), thresholds);
    const spikes = sim.addMonitor({ kind: 'spikes', population: 0 });
    const result = await sim.run({ steps: 20 });
    assert.deepEqual(result, { stepsDone: 20, cancelled: false, stopped: false, resident: false });
    assert.equal(sim.currentStep, 20);
    const expected = expectedSpikes(thresholds, 0, 20);
    const got = sim.takeSpikes(spikes);
    assert.deepEqual(got, { kind: 'spikes', steps: BigInt64Array.from(expected.steps), neurons: Int32Array.from(expected.neurons) });
    assert.deepEqual(sim.getArray('pop.spike_count'), BigInt64Array.from(thresholds.map((t) => BigInt(Math.floor(20 / t)))));

    // A second run continues from step 20; the take forgot what it handed back.
    await sim.run({ steps: 15 });
    const next = expectedSpikes(thresholds, 20, 35);
    assert.deepEqual(sim.takeSpikes(spikes), { kind: 'spikes', steps: BigInt64Array.from(next.steps), neurons: Int32Array.from(next.neurons) });
    assert.deepEqual(sim.takeSpikes(spikes), { kind: 'spikes', steps: new BigInt64Array(0), neurons: new Int32Array(0) });
    sim.destroy();
  });

  test('a stop condition ends the run early', async () => {
    const sim = makeSim(loadKernel(ok), [5, 7]);
    assert.deepEqual(await sim.run({ steps: 100, stop: { mode: 'any', populations: [0] } }), {
      stepsDone: 5,
      cancelled: false,
      stopped: true,
      resident: false,
    });
    assert.equal(sim.currentStep, 5);
    sim.destroy();
  });

  test('progress callbacks arrive, increasing, at multiples of progressEvery', async () => {
    const sim = makeSim(loadKernel(ok), [3], 1000);
    const seen: number[] = [];
    const result = await sim.run({ steps: 100, progressEvery: 10, onProgress: (n) => seen.push(n) });
    assert.equal(result.stepsDone, 100);
    assert.ok(seen.length >= 3, `only ${seen.length} progress reports: ${seen.join(', ')}`);
    for (let i = 0; i < seen.length; i++) {
      assert.equal(seen[i] % 10, 0);
      if (i > 0) assert.ok(seen[i] > seen[i - 1]);
    }
    assert.ok(seen[seen.length - 1] <= 100);
    sim.destroy();
  });

  test('an AbortSignal cancels a long run quickly', async () => {
    const sim = makeSim(loadKernel(ok), [3], 2000);
    const controller = new AbortController();
    const started = performance.now();
    const pending = sim.run({ steps: 1_000_000, signal: controller.signal });
    await sleep(50);
    controller.abort();
    const result = await pending;
    const elapsed = performance.now() - started;
    assert.equal(result.cancelled, true);
    assert.equal(result.stopped, false);
    assert.ok(result.stepsDone > 0 && result.stepsDone < 1000, `stepsDone ${result.stepsDone}`);
    assert.ok(elapsed < 1000, `cancel took ${elapsed} ms`);
    assert.equal(sim.currentStep, result.stepsDone);

    // An already aborted signal runs nothing, and the next run is not affected by the old cancel.
    assert.deepEqual(await sim.run({ steps: 10, signal: AbortSignal.abort() }), { stepsDone: 0, cancelled: true, stopped: false, resident: false });
    assert.deepEqual(await sim.run({ steps: 3 }), { stepsDone: 3, cancelled: false, stopped: false, resident: false });
    sim.destroy();
  });

  test('a run does not block the event loop', async () => {
    const sim = makeSim(loadKernel(ok), [3], 1000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const result = await sim.run({ steps: 200 });
      assert.equal(result.stepsDone, 200);
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks >= 10, `the timer fired only ${ticks} times during a ~200 ms run`);
    sim.destroy();
  });

  test('kernel errors reject with the message and the caller\'s stack', async () => {
    const sim = makeSim(loadKernel(ok), [3]);
    await assert.rejects(
      sim.run({ steps: 10, stop: { mode: 'all', populations: [3] } }),
      (error: Error) => {
        assert.match(error.message, /^run failed in kernel .*fixture: no population 3/);
        assert.ok(error.stack?.startsWith(`Error: ${error.message}\n`), error.stack);
        assert.ok(error.stack?.includes('native-addon.test.ts'), `stack does not name the caller:\n${error.stack}`);
        return true;
      },
    );
    assert.equal(sim.running, false);
    assert.deepEqual(await sim.run({ steps: 1 }), { stepsDone: 1, cancelled: false, stopped: false, resident: false });
    sim.destroy();
  });

  test('a throw from onProgress cancels the run and rejects with that error', async () => {
    const sim = makeSim(loadKernel(ok), [3], 1000);
    const boom = new Error('progress handler failed');
    await assert.rejects(
      sim.run({ steps: 100_000, progressEvery: 5, onProgress: () => { throw boom; } }),
      (error) => error === boom,
    );
    assert.ok(sim.currentStep < 100_000);
    sim.destroy();
  });

  test('one run at a time; other calls are refused while it runs', async () => {
    const sim = makeSim(loadKernel(ok), [3], 1000);
    const first = sim.run({ steps: 50 });
    assert.equal(sim.running, true);
    await assert.rejects(sim.run({ steps: 1 }), { message: /a run is already in progress on this sim/ });
    assert.throws(() => sim.getArray('pop.x'), { message: /sim.getArray: the sim is running/ });
    assert.throws(() => sim.setArray('pop.x', 1), /the sim is running/);
    assert.throws(() => sim.currentStep, /the sim is running/);
    assert.deepEqual(await first, { stepsDone: 50, cancelled: false, stopped: false, resident: false });
    assert.equal(sim.running, false);
    sim.destroy();
  });

  test('destroy during a run cancels it and frees the sim when the run settles', async () => {
    const sim = makeSim(loadKernel(ok), [3], 2000);
    const pending = sim.run({ steps: 1_000_000 });
    await sleep(20);
    sim.destroy();
    assert.equal(sim.destroyed, true);
    const result = await pending;
    assert.equal(result.cancelled, true);
    assert.throws(() => sim.getArray('pop.x'), { message: 'sim.getArray: the sim has been destroyed' });
    await assert.rejects(sim.run({ steps: 1 }), { message: 'sim.run: the sim has been destroyed' });
  });

  test('validates run options', async () => {
    const sim = makeSim(loadKernel(ok), [3]);
    await assert.rejects(sim.run({ steps: -1 }), TypeError);
    await assert.rejects(sim.run({ steps: 1.5 }), TypeError);
    await assert.rejects(sim.run({ steps: 1, progressEvery: 0, onProgress: () => {} }), TypeError);
    // @ts-expect-error unknown stop mode
    await assert.rejects(sim.run({ steps: 1, stop: { mode: 'some', populations: [0] } }), TypeError);
    await assert.rejects(sim.run({ steps: 1, stop: { mode: 'any', populations: [] } }), TypeError);
    sim.destroy();
  });
});

describe('monitors', () => {
  test('state monitors sample the chosen neurons every periodSteps from startStep', async () => {
    const thresholds = [2, 3, 4];
    const sim = makeSim(loadKernel(ok), thresholds);
    const id = sim.addMonitor({ kind: 'state', array: 'pop.x', indices: new Int32Array([2, 0]), periodSteps: 3, startStep: 1 });
    const all = sim.addMonitor({ kind: 'state', array: 'pop.x', periodSteps: 4, startStep: 0 });
    await sim.run({ steps: 9 });
    // x of neuron i after step t is (t + 1) % T_i.
    const x = (i: number, t: number) => (t + 1) % thresholds[i];
    assert.deepEqual(sim.takeState(id), {
      kind: 'state',
      steps: new BigInt64Array([1n, 4n, 7n]),
      values: new Float64Array([x(2, 1), x(0, 1), x(2, 4), x(0, 4), x(2, 7), x(0, 7)]),
      width: 2,
    });
    const whole = sim.takeMonitor(all);
    assert.equal(whole.kind, 'state');
    assert.deepEqual(whole, {
      kind: 'state',
      steps: new BigInt64Array([0n, 4n, 8n]),
      values: Float64Array.from([0, 4, 8].flatMap((t) => thresholds.map((_, i) => x(i, t)))),
      width: 3,
    });
    sim.destroy();
  });

  test('spike monitors honour startStep and setMonitorActive', async () => {
    const thresholds = [2, 3];
    const sim = makeSim(loadKernel(ok), thresholds);
    const late = sim.addMonitor({ kind: 'spikes', population: 0, startStep: 4 });
    const toggled = sim.addMonitor({ kind: 'spikes', population: 0 });
    sim.setMonitorActive(toggled, false);
    await sim.run({ steps: 6 });
    sim.setMonitorActive(toggled, true);
    await sim.run({ steps: 6 });
    const fromFour = expectedSpikes(thresholds, 4, 12);
    assert.deepEqual(sim.takeSpikes(late), { kind: 'spikes', steps: BigInt64Array.from(fromFour.steps), neurons: Int32Array.from(fromFour.neurons) });
    const fromSix = expectedSpikes(thresholds, 6, 12);
    assert.deepEqual(sim.takeSpikes(toggled), { kind: 'spikes', steps: BigInt64Array.from(fromSix.steps), neurons: Int32Array.from(fromSix.neurons) });
    sim.destroy();
  });

  test('monitor errors are clear and a kind mismatch does not consume data', async () => {
    const sim = makeSim(loadKernel(ok), [2]);
    assert.throws(() => sim.addMonitor({ kind: 'spikes', population: 4 }), { message: 'sim.addMonitor: fixture: no population 4' });
    assert.throws(() => sim.addMonitor({ kind: 'state', array: 'syn.w', periodSteps: 1, startStep: 0 }), /no per-neuron array 'syn.w'/);
    assert.throws(() => sim.addMonitor({ kind: 'state', array: 'pop.x', periodSteps: 0, startStep: 0 }), TypeError);
    assert.throws(() => sim.takeMonitor(42), { message: 'sim.takeMonitor: no monitor with id 42' });
    const id = sim.addMonitor({ kind: 'spikes', population: 0 });
    await sim.run({ steps: 4 });
    assert.throws(() => sim.takeState(id), /is a spike monitor/);
    assert.deepEqual(sim.takeSpikes(id).steps, new BigInt64Array([1n, 3n]));
    sim.destroy();
  });
});

describe('kernel.join', () => {
  test('a batch runs its copies, each with its own values, monitors and clock; they refuse calls while it runs', async () => {
    const kernel = loadKernel(ok);
    const copies = [[2, 3], [5, 7, 11]].map((thresholds) => makeSim(kernel, thresholds));
    const monitors = copies.map((sim) => sim.addMonitor({ kind: 'spikes', population: 0 }));
    const batch = kernel.join(copies);
    const running = batch.run({ steps: 20 });
    assert.equal(batch.running, true);
    assert.throws(() => copies[1].getArray('pop.x'), /the sim is running/);
    assert.deepEqual(await running, { stepsDone: 20, cancelled: false, stopped: false, resident: false });
    for (const [b, thresholds] of [[2, 3], [5, 7, 11]].entries()) {
      const expected = expectedSpikes(thresholds, 0, 20);
      assert.equal(copies[b].currentStep, 20);
      assert.deepEqual(copies[b].takeSpikes(monitors[b]), { kind: 'spikes', steps: BigInt64Array.from(expected.steps), neurons: Int32Array.from(expected.neurons) });
    }
    batch.destroy();
    for (const sim of copies) sim.destroy();
  });

  test('refuses what is not a live sim of this kernel, naming the copy', () => {
    const kernel = loadKernel(ok);
    const mine = makeSim(kernel, [2]);
    const other = makeSim(loadKernel(another), [2]);
    assert.throws(() => kernel.join([]), /kernel.join: copies must be a non-empty array of sims/);
    assert.throws(() => kernel.join([mine, other]), /kernel.join: copy 1 was created by another kernel/);
    other.destroy();
    assert.throws(() => kernel.join([mine, other]), /kernel.join: copy 1 has been destroyed/);
    mine.destroy();
  });
});

describe('destroy', () => {
  test('is idempotent and any later call throws a clear error', () => {
    const sim = makeSim(loadKernel(ok), [2]);
    sim.destroy();
    sim.destroy();
    assert.equal(sim.destroyed, true);
    assert.throws(() => sim.arrays(), { message: 'sim.arrays: the sim has been destroyed' });
    assert.throws(() => sim.setArray('pop.x', 1), { message: 'sim.setArray: the sim has been destroyed' });
    assert.throws(() => sim.currentStep, { message: 'sim.currentStep: the sim has been destroyed' });
    assert.throws(() => sim.addMonitor({ kind: 'spikes', population: 0 }), /destroyed/);
  });

  test('a sim keeps its library loaded after the kernel object is collected; the last one unloads it', async (t) => {
    if (process.platform !== 'linux') return t.skip('reads /proc/self/maps');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const mapped = () => readFileSync('/proc/self/maps', 'utf8').includes(unloadable);
    const collect = async (done: () => boolean) => {
      for (let i = 0; i < 20 && !done(); i++) {
        gc();
        await sleep(5);
      }
    };
    let sim: Sim | null = makeSim(loadKernel(unloadable), [2]); // the Kernel object is garbage at once
    await collect(() => false);
    assert.equal(mapped(), true);
    assert.deepEqual(await sim.run({ steps: 2 }), { stepsDone: 2, cancelled: false, stopped: false, resident: false });
    assert.deepEqual(sim.getArray('pop.spike_count'), new BigInt64Array([1n]));
    sim.destroy();
    sim = null;
    await collect(() => !mapped());
    assert.equal(mapped(), false, 'the library is still mapped after its kernel and sims are gone');
  });
});
