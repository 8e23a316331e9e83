// The README's main job on a real Temporal dev server with a real worker process: the 36-run CUBA
// sweep (examples/cuba-sweep.yaml) completes; runs.parquet has the planned parameters and seeds;
// the spike dataset reads as one hive-partitioned dataset in DuckDB and pyarrow; runs.parquet's CV
// of inter-spike intervals equals one recomputed from the spike rows; two runs' spike hashes equal
// those of `spikesweep run` with the same parameters and seed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { loadSweepSpec } from '../sweeps/spec.js';
import { runRow, writeRunsParquet, type RunRecord } from '../results/index.js';
import { applyParameters } from '../network/spec/paths.js';
import { planRun, runCount } from '../workflows/plan/expand.js';
import { python } from './helpers/python.js';
import { CUBA, CUBA_SWEEP, cliEnv, readRuns, spikeCountsByRun, spikesGlob, startWorker, writeSweepFile, type WorkerProcess } from './helpers/sweep.js';
import { spikesweep } from './helpers/cli.js';
import { startTestTemporal, type TestTemporal } from './helpers/temporal.js';

let temporal: TestTemporal;
let dir: string;
let worker: WorkerProcess | null = null;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-sweep-cuba-'));
  temporal = await startTestTemporal();
});

after(async () => {
  await worker?.kill();
  await temporal?.stop();
  if (process.env.SPIKESWEEP_KEEP_TEST_OUTPUT !== '1') await rm(dir, { recursive: true, force: true });
});

describe('the 36-run CUBA sweep (examples/cuba-sweep.yaml)', () => {
  test('completes; runs.parquet, the spike dataset and spike hashes match the plan and spikesweep run', { timeout: 600_000 }, async (t) => {
    const example = parse(readFileSync(CUBA_SWEEP, 'utf8')) as Record<string, unknown>;
    const output = join(dir, 'out');
    const file = await writeSweepFile(dir, 'cuba-sweep', { ...example, network: CUBA, output });
    const spec = loadSweepSpec(file);
    assert.equal(runCount(spec.plan), 36);
    assert.equal(spec.maxConcurrent, 2);

    worker = startWorker(temporal.address, { concurrency: 2 });
    await worker.ready;
    const sweep = await spikesweep(['sweep', file, '--json'], cliEnv(temporal.address)).done;
    assert.equal(sweep.code, 0, `spikesweep sweep failed:\n${sweep.stderr}\n${sweep.stdout}`);
    const report = sweep.json as { sweepId: string; status: string; runs: { total: number; completed: number; failed: number }; output: string; uiUrl: unknown };
    assert.ok(report, `one JSON object on stdout:\n${sweep.stdout}`);
    assert.match(report.sweepId, /^cuba-weights-[0-9a-f]{12}$/);
    assert.equal(report.status, 'completed');
    assert.deepEqual(report.runs, { total: 36, completed: 36, failed: 0 });
    assert.equal(report.output, join(output, report.sweepId));
    assert.ok('uiUrl' in report, 'the report has uiUrl (null without a known Web UI)');
    assert.ok(worker.alive(), 'the worker is still up');

    // runs.parquet: 36 rows, each with the planned we, wi and seed.
    const sweepDir = report.output;
    const runs = await readRuns(sweepDir);
    assert.equal(runs.length, 36);
    for (const [i, row] of runs.entries()) {
      const planned = planRun(spec.plan, i);
      assert.equal(row.run, i);
      assert.equal(row.we, planned.values.we, `run ${i} we`);
      assert.equal(row.wi, planned.values.wi, `run ${i} wi`);
      assert.equal(row.seed, planned.seed, `run ${i} seed`);
      assert.equal(row.status, 'completed');
      assert.equal(row.attempts, 1);
      assert.equal(row.resumed_from_ms, 0);
      assert.equal(row.simulated_ms, 1000);
      assert.match(String(row.spikes_sha256), /^[0-9a-f]{64}$/);
      assert.ok(Number(row.spikes_exc) > 0 && Number(row.spikes_inh) > 0, `run ${i} spiked`);
    }
    // Documented order: we slowest, then wi, then the seed.
    assert.deepEqual(runs.slice(0, 5).map((r) => [r.we, r.wi, r.seed]), [[1.2, -12, 1], [1.2, -12, 2], [1.2, -12, 3], [1.2, -12, 4], [1.2, -9, 1]]);
    assert.deepEqual([runs[35].we, runs[35].wi, runs[35].seed], [2.0, -6, 4]);

    // The spike dataset, read by DuckDB as one hive-partitioned dataset: every run, its counts.
    const counts = await spikeCountsByRun(sweepDir);
    assert.equal(counts.size, 36);
    for (const row of runs) assert.equal(counts.get(row.run), Number(row.spikes_exc) + Number(row.spikes_inh), `run ${row.run} rows = its spike counts`);

    // … and by pyarrow.
    const py = spawnSync(python, ['-c', `
import json, sys, pyarrow.dataset as ds
d = ds.dataset(sys.argv[1], format='parquet', partitioning='hive')
t = d.to_table(columns=['run', 'population', 'neuron', 't_ms'])
counts = t.group_by('run').aggregate([('run', 'count')]).to_pylist()
print(json.dumps({ 'rows': t.num_rows, 'counts': { str(c['run']): c['run_count'] for c in counts } }))
`, join(sweepDir, 'spikes')], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const pa = JSON.parse(py.stdout) as { rows: number; counts: Record<string, number> };
    assert.equal(pa.rows, [...counts.values()].reduce((a, b) => a + b, 0));
    for (const [run, n] of counts) assert.equal(pa.counts[String(run)], n, `pyarrow run ${run}`);

    // cv_isi_<population>: the mean over neurons with ≥ 3 spikes of the CV of their inter-spike
    // intervals, recomputed here from the spike rows pyarrow reads.
    for (const i of [0, 35]) {
      const cv = spawnSync(python, ['-c', `
import json, sys, statistics, pyarrow.dataset as ds
d = ds.dataset(sys.argv[1], format='parquet', partitioning='hive')
t = d.to_table(columns=['population', 'neuron', 't_ms'], filter=ds.field('run') == int(sys.argv[2])).to_pylist()
out = {}
for pop in ('exc', 'inh'):
    times = {}
    for r in t:
        if r['population'] == pop: times.setdefault(r['neuron'], []).append(r['t_ms'])
    cvs = []
    for ts in times.values():
        ts.sort()
        isi = [b - a for a, b in zip(ts, ts[1:])]
        if len(isi) >= 2: cvs.append(statistics.pstdev(isi) / statistics.fmean(isi))
    out[pop] = statistics.fmean(cvs) if cvs else None
print(json.dumps(out))
`, join(sweepDir, 'spikes'), String(i)], { encoding: 'utf8' });
      assert.equal(cv.status, 0, cv.stderr);
      const expected = JSON.parse(cv.stdout) as Record<string, number | null>;
      for (const pop of ['exc', 'inh']) {
        assert.equal(typeof runs[i][`cv_isi_${pop}`], 'number', `run ${i} cv_isi_${pop} is a number`);
        assert.ok(Math.abs(Number(runs[i][`cv_isi_${pop}`]) - expected[pop]!) < 1e-9, `run ${i} cv_isi_${pop}: ${runs[i][`cv_isi_${pop}`]} = ${expected[pop]}`);
      }
    }

    // The runs report their CV (engine/isi-stats.ts); a record written before they did gets it
    // from its spike parts with DuckDB, alike.
    const legacy = await mkdtemp(join(dir, 'legacy-'));
    await symlink(join(sweepDir, 'spikes'), join(legacy, 'spikes'));
    const legacyRows = [0, 35].map((i) => {
      const record = JSON.parse(readFileSync(join(sweepDir, 'runs', `run=${i}`, 'summary.json'), 'utf8')) as RunRecord;
      for (const p of Object.values(record.report!.populations)) {
        assert.equal(typeof p.cvIsi, 'number', `run ${i} reports its CV of ISI`);
        delete p.cvIsi;
      }
      return runRow(i, record, spec.plan, 'openmp');
    });
    await writeRunsParquet(legacy, (async function* () { yield* legacyRows; })());
    const [first, last] = await readRuns(legacy);
    for (const [row, i] of [[first, 0], [last, 35]] as const) {
      for (const pop of ['exc', 'inh']) assert.ok(Math.abs(Number(row[`cv_isi_${pop}`]) - Number(runs[i][`cv_isi_${pop}`])) < 1e-12, `run ${i} cv_isi_${pop} from its spike parts ${row[`cv_isi_${pop}`]} = reported ${runs[i][`cv_isi_${pop}`]}`);
    }

    // Two runs against `spikesweep run` with the same parameters and seed.
    for (const i of [0, 22]) {
      const planned = planRun(spec.plan, i);
      const specFile = join(dir, `run-${i}.json`);
      await writeFile(specFile, JSON.stringify(applyParameters(spec.network, planned.params)));
      const single = await spikesweep(['run', specFile, '--seed', String(planned.seed), '--duration', '1000', '--out', join(dir, `single-${i}`), '--json'], cliEnv(temporal.address)).done;
      assert.equal(single.code, 0, single.stderr);
      assert.equal(runs[i].spikes_sha256, (single.json as { spikesSha256: string }).spikesSha256, `run ${i}: spike hash of the sweep = spikesweep run`);
    }

    // Orchestration overhead: the sweep's wall time against its runs' own build + simulate + write + checkpoint.
    const own = runs.reduce((s, r) => s + Number(r.build_ms ?? 0) + Number(r.simulate_ms ?? 0) + Number(r.write_ms ?? 0) + Number(r.checkpoint_ms ?? 0), 0);
    const ideal = own / 2;
    t.diagnostic(`36-run sweep: wall ${(sweep.wallMs / 1000).toFixed(1)} s (client start to result); runs' own build+simulate+write+checkpoint ${(own / 1000).toFixed(1)} s in all, ideal on 2 slots ${(ideal / 1000).toFixed(1)} s; ratio ${(sweep.wallMs / ideal).toFixed(2)}; overhead per run ${((sweep.wallMs - ideal) * 2 / 36).toFixed(0)} ms`);
    void spikesGlob;
  });
});
