// The backend seam as a user meets it: `spikesweep run --backend serial` and `--backend openmp` (on
// one and two threads) give the same spikes for every example and for a network touching every
// feature; a backend refuses what it cannot run with a sentence naming the field and the backend;
// the threading library stays inside its backend's folder.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BACKEND_NAMES, backendFor, FEATURES, type Feature } from '../backends/index.js';
import { runCli } from './helpers/cli.js';

const root = new URL('..', import.meta.url).pathname;
const NETWORKS = ['examples/cuba.yaml', 'examples/coba.yaml', 'examples/nets-experiment.yaml', 'tests/fixtures/features.yaml'];

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'spikesweep-backends-')); });
after(() => rm(dir, { recursive: true, force: true }));

async function run(file: string, args: string[]): Promise<{ backend: string; threads: number; spikesSha256: string; populations: Record<string, { spikes: number | null }> }> {
  const out = join(dir, `${file.replace(/\W/g, '_')}-${args.join('_')}`);
  const { code, stdout, stderr } = await runCli(['run', join(root, file), '--duration', '300', '--seed', '1', '--json', '--out', out, ...args]);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout);
}

describe('serial and openmp give the same spikes', () => {
  for (const file of NETWORKS) {
    test(file, async () => {
      const serial = await run(file, ['--backend', 'serial']);
      const one = await run(file, ['--backend', 'openmp']);
      const two = await run(file, ['--backend', 'openmp', '--threads', '2']);
      assert.equal(serial.backend, 'serial');
      assert.equal(two.backend, 'openmp');
      assert.equal(two.threads, 2);
      assert.ok(Object.values(serial.populations).some((p) => (p.spikes ?? 0) > 0), 'the network spikes');
      assert.equal(one.spikesSha256, serial.spikesSha256);
      assert.equal(two.spikesSha256, serial.spikesSha256);
    });
  }
});

describe('a backend refuses what it cannot run', () => {
  test('--threads 2 on the serial backend exits 2 naming the option and the backend', async () => {
    const { code, stdout, stderr } = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'serial', '--threads', '2', '--duration', '10', '--out', join(dir, 'refused')]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /threads: the serial backend runs on at most 1 thread \(got 2\)/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  test('a spec asking for threads on the serial backend is refused at its field', async () => {
    const spec = join(dir, 'threads.yaml');
    await writeFile(spec, `${await readFile(join(root, 'examples/cuba.yaml'), 'utf8')}\nconfig: { numThreads: 2 }\n`);
    const { code, stderr } = await runCli(['run', spec, '--backend', 'serial', '--duration', '10', '--out', join(dir, 'refused-spec')]);
    assert.equal(code, 2);
    assert.match(stderr, new RegExp(`${spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*config\\.numThreads: the serial backend does not support more than one thread`));
  });

  test('an unknown backend is a usage error listing the known ones', async () => {
    const { code, stderr } = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'metal']);
    assert.equal(code, 2);
    assert.match(stderr, /expected one of openmp, serial, cuda, got 'metal'/);
  });
});

test('the threading library is named only inside the OpenMP backend', async () => {
  const found: string[] = [];
  const skip = new Set(['node_modules', 'dist', '.git', '.cache', 'out', 'build']);
  async function walk(folder: string): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) { if (!skip.has(entry.name)) await walk(path); continue; }
      if (!/\.(ts|cpp|hpp|cc|h)$/.test(entry.name)) continue;
      const rel = relative(root, path);
      if (rel.startsWith('backends/openmp/') || rel === 'tests/backends.test.ts') continue;
      if (/fopenmp|omp\.h|omp_/.test(await readFile(path, 'utf8'))) found.push(rel);
    }
  }
  await walk(root);
  assert.deepEqual(found, []);
});

test("the feature matrix in backends/README.md is each backend's own list", async () => {
  const text = await readFile(join(root, 'backends/README.md'), 'utf8');
  const table = text.split('<!-- feature-matrix -->')[1].split('<!-- /feature-matrix -->')[0].trim().split('\n');
  const header = table[0].split('|').map((c) => c.trim()).filter(Boolean);
  assert.deepEqual(header, ['feature', ...BACKEND_NAMES]);
  const rows = table.slice(2).map((line) => line.split('|').map((c) => c.trim()).filter(Boolean));
  assert.deepEqual(rows.map((r) => r[0]), Object.values(FEATURES));
  for (const [feature, description] of Object.entries(FEATURES) as [Feature, string][]) {
    const row = rows.find((r) => r[0] === description)!;
    BACKEND_NAMES.forEach((name, k) => assert.equal(row[k + 1], backendFor(name).features.has(feature) ? 'yes' : 'no', `${name}: ${feature}`));
  }
});
