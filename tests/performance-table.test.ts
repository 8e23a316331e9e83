// The README's Performance table is bench/results/latest.json as bench/peers/table.ts renders it:
// every CPU kind measured, side by side. A run on one CPU kind adds its own report and keeps the
// other kinds'; a results file in another shape is refused with a sentence naming it.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readLatest, saveLatest } from '../bench/peers/latest.js';
import { markdown } from '../bench/peers/table.js';

const root = new URL('..', import.meta.url).pathname;
const latestFile = join(root, 'bench/results/latest.json');

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'spikesweep-perf-table-')); });
after(() => rm(dir, { recursive: true, force: true }));

test('README.md shows the table generated from bench/results/latest.json (else run node --import tsx bench/peers/table.ts --readme)', async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const block = readme.match(/<!-- peers-table -->\n([\s\S]*?)\n<!-- \/peers-table -->/);
  assert.ok(block, 'README.md has no <!-- peers-table --> block');
  assert.equal(block[1], markdown(readLatest(latestFile)));
});

test('a run on a second CPU kind keeps the first kind\'s rows; the table shows both side by side', async () => {
  const [[firstKind, first]] = Object.entries(readLatest(latestFile).cpus);
  const file = join(dir, 'latest.json');
  saveLatest(file, firstKind, first);
  const simulate = first.rows.find((r) => r.phase === 'simulate')!;
  const second = { ...first, machine: { ...first.machine, cpu: 'Intel Xeon' }, rows: [{ ...simulate, spikesweepMs: 50, ratio: 50 / simulate.peerMs }] };
  saveLatest(file, 'Intel Xeon (family 6 model 167, -march=native rocketlake)', second);

  const both = readLatest(file);
  assert.deepEqual(Object.keys(both.cpus), [firstKind, 'Intel Xeon (family 6 model 167, -march=native rocketlake)']);
  assert.deepEqual(both.cpus[firstKind].rows, first.rows);
  const table = markdown(both).split('\n');
  assert.match(table[0], new RegExp(`${firstKind.replace(/[()]/g, '\\$&')}: spikesweep / peer.*Intel Xeon \\(family 6 model 167`));
  const row = table.find((l) => l.startsWith(`| ${simulate.model} | ${simulate.neurons.toLocaleString('en')} | ${simulate.threads} | simulate | ${simulate.peer} |`))!;
  assert.match(row, new RegExp(`\\(${simulate.ratio.toFixed(2)}, ${simulate.reps}\\) \\| 50 ms / `));
  // A case measured on one kind only shows a dash for the other.
  assert.ok(table.some((l) => / \| build \| .* \| — \|$/.test(l)), 'no dash for a case the second kind did not measure');
});

test('a latest.json without per-CPU reports is refused, naming the file and the shape expected', async () => {
  const file = join(dir, 'old.json');
  await writeFile(file, JSON.stringify({ machine: { cpu: 'AMD EPYC' }, rows: [] }));
  assert.throws(() => readLatest(file), (e: Error) => e.message.startsWith(`${file}: expected { "cpus": { "<CPU kind>"`) && /at cpus/.test(e.message));
});
