// Resumable runs end to end through bin/spikesweep.js on examples/cuba.yaml: checkpoint, resume,
// SIGKILL between checkpoints, corrupted checkpoints. The rows are compared with DuckDB
// (read_parquet('X/spikes/*.parquet') sorted, run_id left out) against one uninterrupted run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

const BIN = new URL('../bin/spikesweep.js', import.meta.url).pathname;
const CUBA = new URL('../examples/cuba.yaml', import.meta.url).pathname;

let dir: string;
let connection: DuckDBConnection;
let full: { report: Record<string, unknown>; rows: string; count: number };

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, SPIKESWEEP_CACHE_DIR: join(dir, 'cache'), SPIKESWEEP_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = start(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function runJson(args: string[]): Promise<Record<string, unknown>> {
  const { code, stdout, stderr } = await cli([...args, '--json']);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout.trim());
}

const q = (path: string) => `'${path.replaceAll("'", "''")}'`;

/** SHA-256 of every row but run_id, sorted, and the row count — as DuckDB reads the dataset back. */
async function rowsOf(glob: string): Promise<{ rows: string; count: number }> {
  const reader = await connection.runAndReadAll(`SELECT population, neuron, t_ms, phase FROM read_parquet(${q(glob)}) ORDER BY t_ms, population, neuron`);
  const hash = createHash('sha256');
  const rows = reader.getRows();
  for (const r of rows) hash.update(`${r.join('\t')}\n`);
  return { rows: hash.digest('hex'), count: rows.length };
}

/** The report without what legitimately differs between sessions (timings, cache hit, paths). */
const comparable = (r: Record<string, unknown>) => {
  const { timings: _t, compileCacheHit: _c, outputs: _o, ...rest } = r;
  return rest;
};

/** Every file of a folder with the SHA-256 of its bytes. */
async function snapshot(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(folder.length + 1)] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  return out;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-resume-'));
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  const out = join(dir, 'full');
  const report = await runJson(['run', CUBA, '--duration', '1000', '--out', out]);
  full = { report, ...(await rowsOf(join(out, 'spikes.parquet'))) };
  assert.ok(full.count > 10_000, 'CUBA fires');
});
after(async () => {
  connection.closeSync();
  await rm(dir, { recursive: true, force: true });
});

describe('resumable runs (spikesweep run --checkpoint-every / --resume)', () => {
  test('500 ms with checkpoints every 250 ms, then --resume to 1000 ms ⇒ the report and rows of one 1000 ms run', async () => {
    const X = join(dir, 'x');
    const first = await runJson(['run', CUBA, '--duration', '500', '--checkpoint-every', '250', '--out', X]);
    assert.equal(first.simulatedMs, 500);
    assert.equal(first.outputs && (first.outputs as Record<string, string>).spikes, join(X, 'spikes'));
    assert.deepEqual((await readdir(join(X, 'spikes'))).sort(), ['part-00000.parquet', 'part-00001.parquet']);
    assert.deepEqual(await readdir(join(X, 'checkpoints')), ['step-5000.ckpt'], 'only the latest checkpoint is kept');
    const progress = JSON.parse(await readFile(join(X, 'progress.json'), 'utf8'));
    assert.equal(progress.step, 5000);
    assert.equal(progress.checkpoint, 'checkpoints/step-5000.ckpt');

    const resumed = await runJson(['run', '--resume', X, '--duration', '1000']);
    assert.deepEqual(comparable(resumed), comparable(full.report));
    assert.equal(resumed.spikesSha256, full.report.spikesSha256);
    assert.deepEqual(await rowsOf(join(X, 'spikes', '*.parquet')), { rows: full.rows, count: full.count });

    const manifest = JSON.parse(await readFile(join(X, 'manifest.json'), 'utf8'));
    assert.equal(manifest.layout, 'parts');
    assert.deepEqual(manifest.checkpoints.map((c: { step: number }) => c.step), [2500, 5000, 7500, 10000]);
    for (const c of manifest.checkpoints) assert.ok(c.bytes > 0 && c.writeMs >= 0);
    assert.equal(manifest.resumes.length, 1);
    assert.equal(manifest.resumes[0].fromMs, 500);
    assert.deepEqual(manifest.phases, [{ name: 'main', startMs: 0, endMs: 1000, record: true }]);
    assert.equal(manifest.files.spikes.parts.length, 4);
    assert.equal(manifest.files.spikes.rows, full.count);
    assert.match(String(manifest.versions.gitCommit), /^([0-9a-f]{40}|null)$/);
    assert.ok(Array.isArray(manifest.kernel.compiler.flags));
    assert.equal(manifest.threads, 1);
    assert.deepEqual(manifest.protocol, null);
  });

  test('SIGKILL between checkpoints, then --resume ⇒ the same rows (none missing, none twice) and the same spikesSha256', async () => {
    const X = join(dir, 'killed');
    const child = start(['run', CUBA, '--duration', '1000', '--checkpoint-every', '100', '--out', X, '--json']);
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    let step = 0;
    for (let i = 0; i < 3000 && step === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      try {
        step = JSON.parse(await readFile(join(X, 'progress.json'), 'utf8')).step;
      } catch { /* not yet */ }
    }
    child.kill('SIGKILL');
    await exited;
    assert.ok(step > 0 && step < 10000, `killed after the first checkpoint (step ${step}) and before the end`);
    assert.equal(existsSync(join(X, 'manifest.json')), false, 'the run did not finish');
    // What a crash can leave: a part and a checkpoint progress.json does not name, temp files.
    const progress = JSON.parse(await readFile(join(X, 'progress.json'), 'utf8'));
    await cp(join(X, progress.parts[0]), join(X, 'spikes', 'part-00099.parquet'));
    await cp(join(X, progress.checkpoint), join(X, 'checkpoints', 'step-99999.ckpt'));
    await writeFile(join(X, 'spikes', '.part-00098.parquet.1.abcd.tmp'), 'partial');

    const resumed = await runJson(['run', '--resume', X]);
    assert.equal(resumed.spikesSha256, full.report.spikesSha256);
    assert.deepEqual(comparable(resumed), comparable(full.report));
    assert.deepEqual(await rowsOf(join(X, 'spikes', '*.parquet')), { rows: full.rows, count: full.count });
    const parts = await readdir(join(X, 'spikes'));
    assert.deepEqual(parts, Array.from({ length: 10 }, (_, k) => `part-${String(k).padStart(5, '0')}.parquet`));
    assert.deepEqual(await readdir(join(X, 'checkpoints')), ['step-10000.ckpt']);
    const manifest = JSON.parse(await readFile(join(X, 'manifest.json'), 'utf8'));
    assert.equal(manifest.resumes[0].fromStep, progress.step);
  });

  test('a corrupted checkpoint named by progress.json ⇒ exit 2, a clear message, the folder unchanged', async () => {
    const X = join(dir, 'corrupt');
    await runJson(['run', CUBA, '--duration', '200', '--checkpoint-every', '100', '--out', X]);
    const progress = JSON.parse(await readFile(join(X, 'progress.json'), 'utf8'));
    const path = join(X, progress.checkpoint);
    const bytes = await readFile(path);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(path, bytes);
    await writeFile(join(X, 'spikes', 'part-00042.parquet'), 'uncommitted garbage that a successful resume would delete');
    const before = await snapshot(X);

    const { code, stdout, stderr } = await cli(['run', '--resume', X, '--duration', '400', '--json']);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /checkpoint .*step-2000\.ckpt: checksum mismatch: the file is truncated or corrupted/);
    assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
    assert.equal(JSON.parse(stdout.trim()).error.kind, 'checkpoint');
    assert.deepEqual(await snapshot(X), before);
  });

  test('usage: --resume with a spec or with --seed, a folder without progress.json, a shorter total', async () => {
    const usage = await cli(['run', CUBA, '--resume', join(dir, 'x'), '--json']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--resume .*give no spec file/);
    const seed = await cli(['run', '--resume', join(dir, 'x'), '--seed', '3']);
    assert.equal(seed.code, 2);
    assert.match(seed.stderr, /--seed/);
    const none = await cli(['run', '--resume', join(dir, 'full')]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no progress\.json/);
    const shorter = await cli(['run', '--resume', join(dir, 'x'), '--duration', '300']);
    assert.equal(shorter.code, 2);
    assert.match(shorter.stderr, /already simulated 1000 ms/);
  });
});
