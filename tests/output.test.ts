// engine/parquet and engine/spike-hash.ts: files written by the streaming writers are read back with DuckDB (a separate
// instance) and, where pyarrow is importable, with python3 — counts, schema, codec, values, hash.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { python } from './helpers/python.js';
import {
  SpikeHasher,
  describeHost,
  openSpikeWriter,
  openStateWriter,
  writeManifest,
  type SpikeWindowBatch,
} from '../engine/index.js';

const DT = 0.1;
// '\uFF61' sorts after '\u{1F600}' in UTF-16 code units but before it in UTF-8 bytes, the order
// DuckDB and Arrow use: the hash must follow the bytes.
const POPULATIONS = ['exc', 'inh', '\uFF61', '\u{1F600}'];

let dir: string;
let connection: DuckDBConnection;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-output-'));
  connection = await (await DuckDBInstance.create(':memory:')).connect();
});
after(async () => {
  connection.closeSync();
  await rm(dir, { recursive: true, force: true });
});

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

/** Deterministic spikes for one population over steps [first, first + length): sorted by step, neuron. */
function spikes(population: string, first: number, length: number, seed: number): SpikeWindowBatch {
  const neurons: number[] = [];
  const steps: number[] = [];
  let state = seed;
  for (let step = first; step < first + length; step++) {
    for (let neuron = 0; neuron < 400; neuron++) {
      state = (state * 1103515245 + 12345) >>> 0;
      if (state % 97 === 0) {
        neurons.push(neuron);
        steps.push(step);
      }
    }
  }
  return { population, neurons: Int32Array.from(neurons), steps: Float64Array.from(steps) };
}

/** Independent recomputation of the documented encoding from rows read back out of the file. */
function hashRows(rows: Array<{ population: string; neuron: number; t_ms: number }>): string {
  const hash = createHash('sha256');
  for (const { population, neuron, t_ms } of rows) {
    const tail = Buffer.alloc(13);
    tail.writeInt32LE(neuron, 1);
    tail.writeDoubleLE(t_ms, 5);
    hash.update(Buffer.concat([Buffer.from(population, 'utf8'), tail]));
  }
  return hash.digest('hex');
}

const pyarrow = spawnSync(python, ['-c', 'import pyarrow'], { encoding: 'utf8' });
const pyarrowSkip = pyarrow.status === 0 ? false : `pyarrow is not importable by ${python}: ${pyarrow.stderr || pyarrow.error}`;

describe('spike writer', () => {
  const path = () => join(dir, 'spikes.parquet');
  const windows: SpikeWindowBatch[][] = [];
  let streamed = '';
  let expected = { rows: 0, neuronSum: 0, minT: Infinity, maxT: -Infinity };

  before(async () => {
    const writer = await openSpikeWriter(path(), { runId: "run-'7'", dt: DT });
    const hasher = new SpikeHasher({ dt: DT });
    for (let k = 0; k < 6; k++) {
      // Window 3 is long enough that one batch exceeds a writer message (65,536 rows).
      const length = k === 3 ? 20_000 : 500;
      const first = k === 3 ? 3 * 500 : k < 3 ? k * 500 : 20_000 + k * 500;
      const window = POPULATIONS.map((p, i) => spikes(p, first, length, 17 * k + i + 1));
      windows.push(window);
      hasher.update(window);
      for (const batch of window) {
        await writer.write(batch);
        expected.rows += batch.neurons.length;
        batch.neurons.forEach((n) => (expected.neuronSum += n));
        batch.steps.forEach((s) => {
          expected.minT = Math.min(expected.minT, s * DT);
          expected.maxT = Math.max(expected.maxT, s * DT);
        });
      }
    }
    assert.ok(windows[3][0].neurons.length > 65_536);
    const result = await writer.close();
    assert.equal(result.rows, expected.rows);
    assert.ok(result.bytes > 0);
    streamed = hasher.digest();
  });

  test('columns, types and ZSTD codec', async () => {
    const schema = await query(`DESCRIBE SELECT * FROM read_parquet('${path()}')`);
    assert.deepEqual(
      schema.map((c) => [c.column_name, c.column_type]),
      [['run_id', 'VARCHAR'], ['phase', 'VARCHAR'], ['population', 'VARCHAR'], ['neuron', 'INTEGER'], ['t_ms', 'DOUBLE']],
    );
    const codecs = await query(`SELECT DISTINCT compression FROM parquet_metadata('${path()}')`);
    assert.deepEqual(codecs.map((c) => c.compression), ['ZSTD']);
  });

  test('row count and values', async () => {
    const [row] = await query(`
      SELECT count(*)::DOUBLE AS rows, sum(neuron)::DOUBLE AS neuron_sum, min(t_ms) AS min_t, max(t_ms) AS max_t,
             list(DISTINCT run_id) AS run_ids, list(DISTINCT population ORDER BY population) AS populations
      FROM read_parquet('${path()}')`);
    assert.equal(row.rows, expected.rows);
    assert.equal(row.neuron_sum, expected.neuronSum);
    assert.equal(row.min_t, expected.minT);
    assert.equal(row.max_t, expected.maxT);
    assert.deepEqual(row.run_ids, ["run-'7'"]);
    assert.deepEqual(row.populations, ['exc', 'inh', '\uFF61', '\u{1F600}']);
  });

  test('t_ms is exactly step × dt', async () => {
    const written = await query(`SELECT t_ms FROM read_parquet('${path()}') WHERE population = 'inh'`);
    const steps = windows.flatMap((w) => Array.from(w[1].steps));
    assert.deepEqual(written.map((r) => r.t_ms), steps.map((s) => s * DT));
  });

  test('hash recomputed from the file equals the streaming hash', async () => {
    const rows = await query(
      `SELECT population, neuron, t_ms FROM read_parquet('${path()}') ORDER BY t_ms, population, neuron`,
    );
    assert.equal(hashRows(rows as Array<{ population: string; neuron: number; t_ms: number }>), streamed);
  });

  test('hash ignores the order of batches within a window', () => {
    const hasher = new SpikeHasher({ dt: DT });
    for (const window of windows) hasher.update([...window].reverse());
    assert.equal(hasher.digest(), streamed);
  });

  test('pyarrow reads the same rows and hash', { skip: pyarrowSkip }, () => {
    const script = `
import hashlib, struct, sys, pyarrow.compute as pc, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
t = t.sort_by([("t_ms", "ascending"), ("population", "ascending"), ("neuron", "ascending")])
h = hashlib.sha256()
for p, n, ms in zip(*(t.column(c).to_pylist() for c in ("population", "neuron", "t_ms"))):
    h.update(p.encode() + b"\\0" + struct.pack("<id", n, ms))
print(t.num_rows, pc.sum(t.column("neuron")).as_py(), h.hexdigest(), str(t.schema.field("neuron").type))`;
    const run = spawnSync(python, ['-c', script, path()], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split(' '), [String(expected.rows), String(expected.neuronSum), streamed, 'int32']);
  });
});

describe('spike hash encoding', () => {
  test('matches the documented bytes on a small example', () => {
    const hasher = new SpikeHasher({ dt: 0.5 });
    hasher.update([
      { population: 'inh', neurons: Int32Array.of(3), steps: Float64Array.of(2) },
      { population: 'exc', neurons: Int32Array.of(1, 7, 2), steps: Float64Array.of(2, 2, 4) },
    ]);
    const row = (p: string, n: number, t: number) => {
      const b = Buffer.alloc(13);
      b.writeInt32LE(n, 1);
      b.writeDoubleLE(t, 5);
      return Buffer.concat([Buffer.from(p), b]);
    };
    const bytes = Buffer.concat([row('exc', 1, 1), row('exc', 7, 1), row('inh', 3, 1), row('exc', 2, 2)]);
    assert.equal(hasher.digest(), createHash('sha256').update(bytes).digest('hex'));
  });

  test('no spikes hashes the empty string', () => {
    assert.equal(new SpikeHasher({ dt: 0.1 }).digest(), createHash('sha256').digest('hex'));
  });

  test('refuses unsorted batches, repeated populations and windows that go back in time', () => {
    const hasher = new SpikeHasher({ dt: 0.1 });
    const batch = (population: string, n: number[], s: number[]) => ({
      population,
      neurons: Int32Array.from(n),
      steps: Float64Array.from(s),
    });
    assert.throws(() => hasher.update([batch('exc', [2, 1], [0, 0])]), /not sorted/);
    assert.throws(() => hasher.update([batch('exc', [1], [0]), batch('exc', [2], [0])]), /twice/);
    hasher.update([batch('exc', [1], [5])]);
    assert.throws(() => hasher.update([batch('exc', [1], [5])]), /not after step 5/);
  });
});

describe('state writer', () => {
  test('wide samples become long rows', async () => {
    const path = join(dir, 'state.parquet');
    const writer = await openStateWriter(path, { runId: 'r1', dt: DT });
    const neurons = Int32Array.of(4, 9, 11);
    const steps = Float64Array.of(0, 10, 20, 30, 40);
    const values = Float64Array.from({ length: 15 }, (_, i) => -60 + i / 4);
    await writer.write({ population: 'exc', variable: 'v', neurons, steps, values });
    // 100 samples × 1000 neurons: more rows than one writer message.
    const wide = Int32Array.from({ length: 1000 }, (_, i) => i);
    const many = Float64Array.from({ length: 100 }, (_, i) => i);
    const big = Float64Array.from({ length: 100_000 }, (_, i) => i);
    await writer.write({ population: 'inh', variable: 'ge', neurons: wide, steps: many, values: big });
    assert.deepEqual(await writer.close(), { rows: 100_015, bytes: (await readFile(path)).length });

    const schema = await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    assert.deepEqual(
      schema.map((c) => [c.column_name, c.column_type]),
      [['run_id', 'VARCHAR'], ['phase', 'VARCHAR'], ['population', 'VARCHAR'], ['neuron', 'INTEGER'], ['t_ms', 'DOUBLE'],
        ['variable', 'VARCHAR'], ['value', 'DOUBLE']],
    );
    const codecs = await query(`SELECT DISTINCT compression FROM parquet_metadata('${path}')`);
    assert.deepEqual(codecs.map((c) => c.compression), ['ZSTD']);
    const exc = await query(`SELECT neuron, t_ms, value FROM read_parquet('${path}') WHERE variable = 'v'`);
    assert.deepEqual(exc.slice(0, 4), [
      { neuron: 4, t_ms: 0, value: -60 },
      { neuron: 9, t_ms: 0, value: -59.75 },
      { neuron: 11, t_ms: 0, value: -59.5 },
      { neuron: 4, t_ms: 1, value: -59.25 },
    ]);
    assert.equal(exc.length, 15);
    const [ge] = await query(`
      SELECT count(*)::DOUBLE AS rows, sum(value) AS total, sum(neuron)::DOUBLE AS neurons, max(t_ms) AS last
      FROM read_parquet('${path}') WHERE population = 'inh' AND variable = 'ge' AND run_id = 'r1'`);
    assert.deepEqual(ge, { rows: 100_000, total: (99_999 * 100_000) / 2, neurons: 100 * 499_500, last: 99 * DT });
    const [mismatch] = await query(`
      SELECT count(*)::DOUBLE AS n FROM read_parquet('${path}')
      WHERE variable = 'ge' AND value <> round(t_ms / ${DT}) * 1000 + neuron`);
    assert.equal(mismatch.n, 0);
  });

  test('refuses values that do not match samples × neurons', async () => {
    const writer = await openStateWriter(join(dir, 'bad-state.parquet'), { runId: 'r1', dt: DT });
    await assert.rejects(
      writer.write({ population: 'exc', variable: 'v', neurons: Int32Array.of(1, 2), steps: Float64Array.of(0), values: Float64Array.of(1) }),
      /expected 1×2/,
    );
    await writer.abort();
  });
});

describe('file lifecycle', () => {
  test('no spikes still writes a valid file with the schema', async () => {
    const path = join(dir, 'empty', 'spikes.parquet');
    await mkdir(join(dir, 'empty'));
    const writer = await openSpikeWriter(path, { runId: 'r0', dt: DT });
    const result = await writer.close();
    assert.equal(result.rows, 0);
    const [row] = await query(`SELECT count(*)::DOUBLE AS n FROM read_parquet('${path}')`);
    assert.equal(row.n, 0);
    const schema = await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    assert.deepEqual(schema.map((c) => c.column_name), ['run_id', 'phase', 'population', 'neuron', 't_ms']);
    assert.deepEqual(await readdir(join(dir, 'empty')), ['spikes.parquet']);
  });

  test('later empty files are the first empty file\'s bytes, whatever the run: DuckDB and pyarrow read them', async () => {
    const folder = await mkdtemp(join(dir, 'empties-'));
    const paths = ['a', 'b', 'c'].map((name) => join(folder, `${name}.parquet`));
    for (const [k, path] of paths.entries()) await (await openSpikeWriter(path, { runId: `run-${k}`, dt: 0.1 * (k + 1) })).close();
    const [first, ...rest] = await Promise.all(paths.map((p) => readFile(p)));
    for (const bytes of rest) assert.ok(first.equals(bytes));
    const [row] = await query(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${JSON.stringify(paths).replaceAll('"', "'")})`);
    assert.equal(row.n, 0);
    assert.deepEqual((await readdir(folder)).sort(), ['a.parquet', 'b.parquet', 'c.parquet'], 'no temp file left');
    if (!pyarrowSkip) {
      const read = spawnSync(python, ['-c', 'import sys, pyarrow.parquet as pq; t = pq.read_table(sys.argv[1]); print(t.num_rows, t.schema.names)', paths[2]], { encoding: 'utf8' });
      assert.equal(read.stdout.trim(), "0 ['run_id', 'phase', 'population', 'neuron', 't_ms']", read.stderr);
    }
    // Written without DuckDB, an empty file still fails as a writer does.
    const lost = await openSpikeWriter(join(folder, 'missing', 'spikes.parquet'), { runId: 'r', dt: DT });
    await assert.rejects(lost.close(), /Parquet writer for .*missing.* failed/);
  });

  test('abort leaves no files', async () => {
    const folder = await mkdtemp(join(dir, 'abort-'));
    const writer = await openSpikeWriter(join(folder, 'spikes.parquet'), { runId: 'r0', dt: DT });
    await writer.write(spikes('exc', 0, 2000, 3));
    await writer.abort();
    assert.deepEqual(await readdir(folder), []);
    await assert.rejects(writer.write(spikes('exc', 0, 10, 3)), /closed/);
  });

  test('a process that dies before close() leaves no spikes.parquet', async () => {
    const folder = await mkdtemp(join(dir, 'crash-'));
    const script = `
      import { openSpikeWriter } from ${JSON.stringify(new URL('../engine/index.ts', import.meta.url).href)};
      const writer = await openSpikeWriter(${JSON.stringify(join(folder, 'spikes.parquet'))}, { runId: 'r', dt: 0.1 });
      const neurons = Int32Array.from({ length: 300000 }, (_, i) => i % 1000);
      const steps = Float64Array.from({ length: 300000 }, (_, i) => Math.floor(i / 1000));
      await writer.write({ population: 'exc', neurons, steps });
      process.exit(3);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(child.status, 3, child.stderr);
    const left = await readdir(folder);
    assert.ok(!left.includes('spikes.parquet'), `found ${left}`);
    assert.ok(left.every((name) => name.startsWith('.spikes.parquet.') && name.endsWith('.tmp')), `found ${left}`);
  });

  test('a folder that does not exist fails the writer, not the process', async () => {
    const writer = await openSpikeWriter(join(dir, 'missing', 'spikes.parquet'), { runId: 'r', dt: DT });
    await assert.rejects(
      (async () => {
        await writer.write(spikes('exc', 0, 10, 1));
        await writer.close();
      })(),
      /Parquet writer for .*missing.* failed/,
    );
    await writer.abort();
  });

  test('mismatched columns are refused', async () => {
    const writer = await openSpikeWriter(join(dir, 'bad.parquet'), { runId: 'r', dt: DT });
    await assert.rejects(
      writer.write({ population: 'exc', neurons: Int32Array.of(1, 2), steps: Float64Array.of(0) }),
      /2 neurons but 1 steps/,
    );
    await writer.abort();
  });

  test('bad options are refused at open', async () => {
    await assert.rejects(openSpikeWriter(join(dir, 'x.parquet'), { runId: '', dt: DT }), /runId/);
    await assert.rejects(openStateWriter(join(dir, 'x.parquet'), { runId: 'r', dt: 0 }), /dt/);
  });
});

describe('manifest', () => {
  test('writes JSON atomically and describes the host', async () => {
    const folder = await mkdtemp(join(dir, 'manifest-'));
    const path = join(folder, 'manifest.json');
    const manifest = { runId: 'r1', seed: 42, host: describeHost(), files: { spikes: { rows: 3 } } };
    await writeManifest(path, manifest);
    await writeManifest(path, { ...manifest, seed: 43 }); // replaces, never appends or leaves temps
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { ...manifest, seed: 43 });
    assert.deepEqual(await readdir(folder), ['manifest.json']);
    const host = describeHost();
    assert.equal(host.node, process.version);
    assert.ok(host.cpus > 0 && host.totalMemoryBytes > 0 && host.cpuModel.length > 0 && host.hostname.length > 0);
    assert.equal(host.platform, process.platform);
  });
});
