// BOLD monitors (ANNarchy's boldmonitor) as a user meets them: the Balloon model's known response
// to a short input pulse — the BOLD signal peaks some seconds after the pulse and undershoots below
// its baseline afterwards (Stephan et al. 2007; Friston et al. 2000) — through net.boldMonitor()
// with getExtension(s), and through `spikesweep run` with a `boldMonitors:` list, whose samples
// land in bold.parquet (read back with DuckDB and pyarrow), the same on every backend and across a
// checkpointed, resumed run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { Network } from '../network/api/network.js';
import { runCli } from './helpers/cli.js';
import { python } from './helpers/python.js';

const root = new URL('..', import.meta.url).pathname;
const FIXTURE = join(root, 'tests/fixtures/bold.yaml');
let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'spikesweep-bold-')); });
after(() => rm(dir, { recursive: true, force: true }));

/** Time (ms) and value of the largest and of the smallest sample. */
/** The peak, and the lowest value after it (the post-stimulus undershoot; an initial dip before the peak does not count). */
function extremes(times: Float64Array, values: Float64Array): { peakMs: number; peak: number; troughMs: number; trough: number } {
  let hi = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[hi]) hi = k;
  let lo = hi;
  for (let k = hi + 1; k < values.length; k++) if (values[k] < values[lo]) lo = k;
  return { peakMs: times[hi], peak: values[hi], troughMs: times[lo], trough: values[lo] };
}

describe('net.boldMonitor: the Balloon model\'s response to a 500 ms pulse at t = 1 s', () => {
  /** BOLD and f_in of `model` fed (through `mapping`) with a 500 ms pulse at t = 1 s, 20 s simulated. */
  async function pulseResponse(model: string, mapping?: Record<string, string>) {
    const net = new Network({ dt: 1, seed: 1 });
    const stim = net.create(4, { equations: 'r = ite(t >= 1000 and t < 1500, 1.0, 0.0)' }, { name: 'stim' });
    const bold = net.boldMonitor(stim, { boldModel: model, mapping, recordedVariables: ['f_in'], period: 10, name: 'roi' });
    assert.equal(net.getExtension('roi'), bold);
    assert.deepEqual(net.getExtensions().map((b) => b.name), ['roi']);
    assert.deepEqual(bold.recordedVariables, ['BOLD', 'f_in']);
    await net.compile({ backend: 'serial' });
    await net.simulate(20_000);
    const { times, values } = bold.get('BOLD');
    const flow = bold.get('f_in');
    net.destroy();
    assert.equal(times.length, 2000);
    assert.equal(values[50], 0, 'no response before the pulse');
    return { bold: extremes(times, values), flow: extremes(flow.times, flow.values) };
  }

  /** The canonical shape: a peak 3–6 s after onset, an undershoot below baseline after it, blood inflow leading. */
  function assertHaemodynamic({ bold: e, flow }: Awaited<ReturnType<typeof pulseResponse>>): void {
    const peakAfterOnset = (e.peakMs - 1000) / 1000;
    assert.ok(peakAfterOnset >= 3 && peakAfterOnset <= 6, `BOLD peaks ${peakAfterOnset} s after onset`);
    assert.ok(e.peak > 0, `peak ${e.peak}`);
    assert.ok(e.troughMs > e.peakMs + 3000, `the undershoot (${e.troughMs} ms) follows the peak (${e.peakMs} ms)`);
    assert.ok(e.trough < -0.1 * e.peak, `undershoot ${e.trough} below baseline`);
    assert.ok(flow.peakMs < e.peakMs, 'blood inflow leads the BOLD signal');
  }

  for (const model of ['balloon_RN', 'balloon_RL', 'balloon_CN', 'balloon_CL', 'balloon_maith2021']) {
    test(`${model}: BOLD peaks 3–6 s after the pulse starts, then undershoots below 0`, async () => {
      const response = await pulseResponse(model);
      assertHaemodynamic(response);
      assert.ok(response.bold.peak > 0.005, `peak ${response.bold.peak}`);
    });
  }

  test('balloon_two_inputs: the same shape; oxygen metabolism driven with the flow lowers the peak', async () => {
    const flowOnly = await pulseResponse('balloon_two_inputs', { I_CBF: 'r' });
    const both = await pulseResponse('balloon_two_inputs', { I_CBF: 'r', I_CMRO2: 'r' });
    assertHaemodynamic(flowOnly);
    assertHaemodynamic(both);
    assert.ok(both.bold.peak < flowOnly.bold.peak, `peak with CMRO2 ${both.bold.peak} < flow alone ${flowOnly.bold.peak}`);
  });

  test('bad arguments are refused with a sentence naming the field', () => {
    const net = new Network({ dt: 1 });
    const stim = net.create(4, { equations: 'r = 0' }, { name: 'stim' });
    assert.throws(() => net.boldMonitor(stim, { boldModel: 'balloon_XY' }), /boldMonitors\[0\]\.model: unknown BOLD model 'balloon_XY' \(known: balloon_RN, balloon_RL, balloon_CN, balloon_CL, balloon_maith2021, balloon_two_inputs\)/);
    assert.throws(() => net.boldMonitor(stim, { mapping: { I_CBF: 'v' } }), /boldMonitors\[0\]\.mapping\.I_CBF: population 'stim' \(populations\[0\]\) has no variable 'v' to feed I_CBF \(has: r\)/);
    assert.throws(() => net.boldMonitor(stim, { mapping: { I_CMRO2: 'r' } }), /'I_CMRO2' is not an input of BOLD model 'balloon_RN' \(inputs: I_CBF\)/);
    assert.throws(() => net.boldMonitor(stim, { normalizeInput: [1000, 1000] }), /boldMonitors\[0\]\.normalizeInput: expected one value per recorded population \(1\), got 2/);
    assert.throws(() => net.getExtension('roi'), /no extension 'roi' \(declared: none\)/);
  });
});

async function boldRows(path: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}') ORDER BY t_ms`);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
  }
}

async function run(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ outputs: { bold: string }; populations: Record<string, unknown> }> {
  const out = join(dir, name);
  const { code, stdout, stderr } = await runCli(['run', FIXTURE, '--json', '--out', out, ...args], env);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout);
}

describe('spikesweep run with boldMonitors writes bold.parquet', () => {
  test('columns run_id, phase, monitor, t_ms and the recorded variables; a normalised pulse response', async () => {
    const report = await run('serial', ['--backend', 'serial']);
    assert.deepEqual(Object.keys(report.populations), ['stim'], 'the BOLD unit is not a population of the report');
    const rows = await boldRows(report.outputs.bold);
    assert.deepEqual(Object.keys(rows[0]), ['run_id', 'phase', 'monitor', 't_ms', 'BOLD', 'f_in', 'I_CBF']);
    assert.equal(rows.length, 2000);
    assert.deepEqual([rows[0].run_id, rows[0].phase, rows[0].monitor, rows[0].t_ms], ['bold-1', 'main', 'bold', 0]);
    const at = (ms: number) => rows.find((r) => r.t_ms === ms)!;
    assert.equal(at(1990).I_CBF, 0, 'no input during the 2 s baseline window');
    // The input reads r before the step's update, so the window's first sample is r's initial 0.
    const baseline = 1999 / 2000;
    const relative = (r: number) => (r - baseline) / (baseline + 1e-7);
    assert.ok(Math.abs((at(3200).I_CBF as number) - relative(2)) < 1e-12, `input (r − baseline)/baseline in the pulse, got ${at(3200).I_CBF}`);
    assert.ok(Math.abs((at(4000).I_CBF as number) - relative(1)) < 1e-12, `and after it, got ${at(4000).I_CBF}`);
    const e = extremes(Float64Array.from(rows, (r) => r.t_ms as number), Float64Array.from(rows, (r) => r.BOLD as number));
    assert.ok(e.peakMs - 3000 >= 3000 && e.peakMs - 3000 <= 6000, `peak ${e.peakMs - 3000} ms after onset`);
    assert.ok(e.trough < 0 && e.troughMs > e.peakMs, 'undershoot after the peak');
  });

  test('pyarrow reads the same table', { skip: spawnSync(python, ['-c', 'import pyarrow']).status === 0 ? false : 'pyarrow is not importable' }, async () => {
    const path = join(dir, 'serial', 'bold.parquet');
    const script = 'import sys, json, pyarrow.parquet as pq\nt = pq.read_table(sys.argv[1])\nprint(json.dumps({"names": t.column_names, "rows": t.num_rows, "types": [str(x) for x in t.schema.types], "peak": max(t.column("BOLD").to_pylist())}))';
    const r = spawnSync(python, ['-c', script, path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout);
    assert.deepEqual(got.names, ['run_id', 'phase', 'monitor', 't_ms', 'BOLD', 'f_in', 'I_CBF']);
    assert.deepEqual(got.types, ['string', 'string', 'string', 'double', 'double', 'double', 'double']);
    assert.equal(got.rows, 2000);
    const rows = await boldRows(path);
    assert.equal(got.peak, Math.max(...rows.map((x) => x.BOLD as number)));
  });

  test('openmp on 2 threads, emulated cuda kernels and a checkpointed, resumed run give the same rows', async () => {
    const serial = await boldRows(join(dir, 'serial', 'bold.parquet'));
    const openmp = await run('openmp', ['--backend', 'openmp', '--threads', '2']);
    assert.deepEqual(await boldRows(openmp.outputs.bold), serial);
    const cuda = await run('cuda', ['--backend', 'cuda'], { SPIKESWEEP_CUDA_EMULATE: '1', SPIKESWEEP_CUDA_ORDER: 'shuffled' });
    assert.deepEqual(await boldRows(cuda.outputs.bold), serial);
    // Stopped at 1.5 s, inside the baseline window, and resumed to the end.
    const parts = join(dir, 'parts');
    const first = await runCli(['run', FIXTURE, '--json', '--out', parts, '--backend', 'serial', '--checkpoint-every', '1000', '--duration', '1500']);
    assert.equal(first.code, 0, first.stderr);
    const resumed = await runCli(['run', '--resume', parts, '--duration', '20000', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(await boldRows(join(parts, 'bold', '*.parquet')), serial);
  });
});
