// Spike-train analysis (analysis/spike-trains.ts) against hand-computed cases: on a Monitor of a
// compiled network whose neurons fire at given times, as plain functions, and in DuckDB over a
// Parquet file of the same spikes (the SQL that runs.parquet's cv_isi_<pop> and the report use), and
// for a run on disk (RunAnalysis, the public helper over a run's Parquet rows).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { binIndex, binIndexSql, isiPerNeuronSql, populationCvIsiSql, populationRate, smooth, smoothingKernel, spikeHistogram } from '../analysis/spike-trains.js';
import { Network } from '../network/index.js';
import { runNetwork } from '../engine/index.js';
import { RunAnalysis } from '../sweeps/index.js';

// Neuron 0 fires at 1, 3, 7 ms (ISIs 2, 4: mean 3, sd 1, CV 1/3); neuron 1 at 2, 4, 6, 8 (ISIs 2, 2, 2:
// CV 0); neuron 2 at 5 (no interval); neuron 3 never. 8 spikes of 4 neurons in 10 ms.
const TRAINS = [[1, 3, 7], [2, 4, 6, 8], [5], []];

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-analysis-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Monitor analyses (ANNarchy-style) on recorded spikes', () => {
  test('raster, histogram, population rate, mean rates, ISI and CV of ISI equal the hand-computed values', async () => {
    const n = new Network({ dt: 0.1, seed: 1 });
    const src = n.create(4, 'SpikeSourceArray', { name: 'src', spikeTimes: TRAINS });
    const m = n.monitor(src, 'spike');
    await n.compile();
    await n.simulate(10);
    const close = (got: ArrayLike<number>, want: number[]) => assert.deepEqual(Array.from(got, (x) => Number(x.toFixed(9))), want);

    const raster = m.raster();
    close(raster.times, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...raster.neurons], [0, 1, 0, 1, 2, 1, 0, 1]);
    assert.equal(m.recordedNeurons, 4);
    // Bins [0, 5) and [5, 10): 4 spikes each; 4 spikes / (4 neurons × 5 ms) = 200 Hz.
    close(m.histogram(5), [4, 4]);
    close(m.populationRate(5), [200, 200]);
    close(m.histogram(2.5), [2, 2, 3, 1]); // [0, 2.5): 1, 2; [2.5, 5): 3, 4; [5, 7.5): 5, 6, 7; [7.5, 10): 8
    assert.equal(m.meanFiringRate(), 200);
    close(m.meanRatePerNeuron(), [300, 400, 100, 0]);
    close(m.meanRatePerNeuron({ startMs: 5 }), [200, 400, 200, 0]);
    const isi = m.isi();
    assert.deepEqual([...isi.keys()], [0, 1]);
    close(isi.get(0)!, [2, 4]);
    close(isi.get(1)!, [2, 2, 2]);
    const cv = m.cvIsi();
    assert.equal(Number(cv.get(0)!.toFixed(12)), Number((1 / 3).toFixed(12)));
    assert.equal(cv.get(1), 0);
    assert.equal(cv.has(2), false, 'one spike: no interval, no CV');
    // Analyses keep the record: get() still returns every spike.
    assert.equal(m.get('spike').times.length, 8);
  });
});

describe('a run on disk (RunAnalysis over its Parquet rows)', () => {
  test('raster, histogram, population rate, mean rates, ISI and CV of ISI equal the Monitor\'s hand-computed values', async () => {
    const n = new Network({ dt: 0.1, seed: 1 });
    const src = n.create(4, 'SpikeSourceArray', { name: 'src', spikeTimes: TRAINS });
    n.monitor(src, 'spike');
    const outDir = join(dir, 'run-on-disk');
    await runNetwork({ spec: n.toSpec(), seed: 1, durationMs: 10, threads: 1, outDir });
    const run = await RunAnalysis.open(outDir);
    try {
      const close = (got: ArrayLike<number>, want: number[]) => assert.deepEqual(Array.from(got, (x) => Number(x.toFixed(9))), want);
      assert.deepEqual(run.populations, ['src']);
      const raster = await run.raster('src');
      close(raster.times, [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.deepEqual([...raster.neurons], [0, 1, 0, 1, 2, 1, 0, 1]);
      close(await run.histogram('src', 5), [4, 4]);
      close(await run.populationRate('src', 5), [200, 200]);
      close(await run.histogram('src', 2.5), [2, 2, 3, 1]);
      // Rates 200, 200, 300, 100 Hz; a flat window of 3 bins, zeros outside: (0 + 200 + 200) / 3, …
      close(await run.populationRate('src', 2.5, { smooth: { window: 'flat', widthMs: 7.5 } }), [133.333333333, 233.333333333, 200, 133.333333333]);
      assert.equal(await run.meanFiringRate('src'), 200);
      close(await run.meanRatePerNeuron('src'), [300, 400, 100, 0]);
      close(await run.meanRatePerNeuron('src', { startMs: 5 }), [200, 400, 200, 0]);
      const isi = await run.isi('src');
      assert.deepEqual([...isi.keys()], [0, 1]);
      close(isi.get(0)!, [2, 4]);
      close(isi.get(1)!, [2, 2, 2]);
      const cv = await run.cvIsi('src');
      assert.equal(Number(cv.get(0)!.toFixed(12)), Number((1 / 3).toFixed(12)));
      assert.equal(cv.get(1), 0);
      assert.equal(cv.has(2), false);
      await assert.rejects(() => run.raster('nope'), /no spikes of population 'nope' were recorded \(recorded: src\)/);
    } finally {
      run.close();
    }
  });
});

describe('a run on disk: rates over what was recorded', () => {
  test('two spike monitors of one population (views merged) and a phase that does not record: the mean rate is the manifest\'s', async () => {
    const n = new Network({ dt: 0.1, seed: 1 });
    const src = n.create(4, 'SpikeSourceArray', { name: 'src', spikeTimes: TRAINS });
    n.monitor(src.view([0, 1]), 'spike');
    n.monitor(src.view([1, 2]), 'spike');
    const outDir = join(dir, 'merged');
    // 0-4 ms recorded, 4-6 not, 6-10 recorded, neurons 0-2 (the two views' union).
    const protocol = [{ name: 'a', durationMs: 4, record: true, set: [], reset: false }, { name: 'off', durationMs: 2, record: false, set: [], reset: false }, { name: 'b', durationMs: 4, record: true, set: [], reset: false }];
    const report = await runNetwork({ spec: n.toSpec(), seed: 1, protocol, threads: 1, outDir });
    assert.equal(report.populations.src.recordedNeurons, 3);
    assert.equal(report.populations.src.recordedMs, 8);
    const run = await RunAnalysis.open(outDir);
    try {
      // 6 spikes recorded (neuron 1's at 4 ms and neuron 2's at 5 ms fall in 'off') of 3 neurons over 8 ms: 250 Hz.
      assert.equal(report.populations.src.meanRateHz, 250);
      assert.equal(await run.meanFiringRate('src'), 250);
      assert.equal(await run.meanFiringRate('src', { startMs: 0, endMs: 4 }), 3 / 3 / 0.004);
    } finally {
      run.close();
    }
  });
});

describe('binning and smoothing', () => {
  test('a spike on a bin edge falls in the later bin; the window end is open; a short last bin counts over its width', () => {
    const b = { startMs: 0, endMs: 10, binMs: 4 };
    assert.deepEqual([...spikeHistogram([0, 3.99, 4, 8, 9.99, 10], b)], [2, 1, 2]);
    // The last bin is 2 ms wide: 2 spikes / (1 neuron × 2 ms) = 1000 Hz.
    assert.deepEqual([...populationRate([0, 3.99, 4, 8, 9.99], 1, b)], [500, 250, 1000]);
  });

  test('flat smoothing is a centred moving mean; gaussian keeps the mass and is symmetric', () => {
    assert.deepEqual([...smooth([0, 0, 3, 0, 0], { window: 'flat', widthMs: 3 }, 1)], [0, 1, 1, 1, 0]);
    const kernel = smoothingKernel({ window: 'gaussian', widthMs: 2 }, 1); // sd of 2 bins, cut at ±6
    assert.equal(kernel.length, 13);
    const mass = 1 + 2 * [1, 2, 3, 4, 5, 6].reduce((s, k) => s + Math.exp(-(k * k) / 8), 0);
    assert.ok(Math.abs(kernel[6] - 1 / mass) < 1e-12);
    const smoothed = smooth([0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0], { window: 'gaussian', widthMs: 2 }, 1);
    assert.ok(Math.abs(smoothed.reduce((a, b) => a + b, 0) - 10) < 1e-9);
    assert.ok(Math.abs(smoothed[5] - smoothed[9]) < 1e-12);
  });

  test('bad widths are refused with a sentence that names them', () => {
    assert.throws(() => spikeHistogram([1], { startMs: 0, endMs: 10, binMs: 0 }), /bin width must be a positive number of ms, got 0/);
    assert.throws(() => smooth([1], { window: 'flat', widthMs: -1 }, 1), /smoothing width must be a positive number of ms, got -1/);
  });
});

describe('the same definitions in DuckDB over Parquet', () => {
  test('per-neuron ISI and CV, the population CV and the bin index match the hand-computed values', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      const rows = TRAINS.flatMap((train, neuron) => train.map((t) => `('p', ${neuron}, ${t}::DOUBLE)`));
      const file = join(dir, 'spikes.parquet');
      await con.run(`COPY (SELECT * FROM (VALUES ${rows.join(', ')}) AS s(population, neuron, t_ms)) TO '${file}' (FORMAT parquet)`);
      const source = `read_parquet('${file}')`;
      const perNeuron = (await con.runAndReadAll(`SELECT neuron, CAST(intervals AS INTEGER) AS intervals, mean_isi_ms, cv FROM (${isiPerNeuronSql(source)}) ORDER BY neuron`)).getRowObjectsJS();
      assert.deepEqual(perNeuron.map((r) => [r.neuron, r.intervals, r.mean_isi_ms]), [[0, 2, 3], [1, 3, 2]]);
      assert.ok(Math.abs(Number(perNeuron[0].cv) - 1 / 3) < 1e-12);
      assert.equal(perNeuron[1].cv, 0);
      const population = (await con.runAndReadAll(populationCvIsiSql(source))).getRowObjectsJS();
      assert.equal(population.length, 1);
      assert.ok(Math.abs(Number(population[0].cv) - 1 / 6) < 1e-12, 'the mean of 1/3 and 0');
      const b = { startMs: 0, endMs: 10, binMs: 2.5 };
      const bins = (await con.runAndReadAll(`SELECT t_ms, ${binIndexSql('t_ms', b)} AS bin FROM ${source} ORDER BY t_ms`)).getRowObjectsJS();
      for (const r of bins) assert.equal(Number(r.bin), binIndex(Number(r.t_ms), b), `bin of ${r.t_ms} ms`);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});
