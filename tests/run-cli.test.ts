// `spikesweep run` end to end through bin/spikesweep.js: the JSON contract on stdout, and bad
// inputs that must exit 2 with a message naming the file and the field or line — never a stack
// trace or compiler output — and leave no spikes.parquet behind.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, type CliResult } from './helpers/cli.js';

const CUBA = new URL('../examples/cuba.yaml', import.meta.url).pathname;
const NETS = new URL('../examples/nets-experiment.yaml', import.meta.url).pathname;

let dir: string;
let cuba: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-cli-'));
  cuba = await readFile(CUBA, 'utf8');
});
after(() => rm(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { SPIKESWEEP_CACHE_DIR: join(dir, 'cache') });
}

describe('spikesweep run', () => {
  test('--json prints exactly one JSON report on stdout and exits 0', async () => {
    const out = join(dir, 'cuba');
    const { code, stdout, stderr } = await cli(['run', CUBA, '--duration', '200', '--json', '--out', out, '--cache-dir', join(dir, 'cache')]);
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 1, stdout);
    const report = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(report).sort(), [
      'backend', 'compileCacheHit', 'outputs', 'populations', 'runId', 'seed', 'simulatedMs', 'spikesSha256', 'structureHash', 'threads', 'timings',
    ]);
    assert.equal(report.seed, 42);
    assert.equal(report.backend, 'openmp');
    assert.equal(report.simulatedMs, 200);
    assert.deepEqual(Object.keys(report.timings).sort(), ['build', 'checkpoint', 'codegen', 'compile', 'simulate', 'write']);
    for (const t of Object.values(report.timings)) assert.equal(typeof t, 'number');
    assert.equal(typeof report.compileCacheHit, 'boolean');
    assert.equal(report.populations.exc.size, 3200);
    assert.ok(report.populations.exc.spikes > 0);
    assert.ok(report.populations.exc.meanRateHz > 1 && report.populations.exc.meanRateHz < 20);
    assert.equal(report.outputs.spikes, join(out, 'spikes.parquet'));
    assert.equal(report.outputs.manifest, join(out, 'manifest.json'));
    assert.ok(existsSync(report.outputs.spikes) && existsSync(report.outputs.manifest));
    assert.match(report.spikesSha256, /^[0-9a-f]{64}$/);
  });

  const edit = (from: string | RegExp, to: string) => () => {
    const text = cuba.replace(from, to);
    assert.notEqual(text, cuba, `the edit ${String(from)} applies`);
    return text;
  };
  const cases: Array<{ name: string; text: (() => string) | null; expect: RegExp }> = [
    { name: 'yaml-syntax', text: edit('geometry: 3200', 'geometry: [3200'), expect: /yaml-syntax\.yaml:\d+:\d+ YAML syntax/ },
    { name: 'unknown-identifier', text: edit('(El - v)', '(El - vv)'), expect: /unknown-identifier\.yaml:\d+:\d+ .*unknown identifier 'vv'/ },
    { name: 'injection', text: edit('spike: v > Vt', 'spike: v > 0); system("id"); ('), expect: /injection\.yaml:\d+:\d+ .*spike/ },
    { name: 'negative-geometry', text: edit('geometry: 3200', 'geometry: -5'), expect: /negative-geometry\.yaml:\d+:\d+ populations\[0\]\.geometry/ },
    { name: 'probability', text: edit('probability: 0.02', 'probability: 1.5'), expect: /probability\.yaml:\d+:\d+ projections\[0\]\.connector\.probability/ },
    { name: 'short-delay', text: edit('weights: 1.62 }', 'weights: 1.62, delays: 0.05 }'), expect: /short-delay\.yaml:\d+:\d+ projections\[0\]\.connector\.delays: .*shorter than dt/ },
    { name: 'missing-file', text: null, expect: /missing-file\.yaml.*cannot read/ },
  ];
  for (const c of cases) {
    test(`bad input: ${c.name} ⇒ exit 2, file and field named, no stack or compiler output`, async () => {
      const file = join(dir, `${c.name}.yaml`);
      if (c.text) await writeFile(file, c.text());
      const out = join(dir, `out-${c.name}`);
      const { code, stdout, stderr } = await cli(['run', file, '--duration', '200', '--json', '--out', out]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, c.expect);
      assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
      assert.doesNotMatch(stderr, /g\+\+|\.cpp|error: expected|In function/, 'no compiler output');
      const error = JSON.parse(stdout.trim());
      assert.deepEqual(Object.keys(error), ['error']);
      assert.equal(error.error.kind, 'spec');
      assert.match(error.error.message, c.expect);
      assert.equal(existsSync(join(out, 'spikes.parquet')), false);
    });
  }

  test('an experiment with sessions: phases run in order and are timed in the manifest, --duration truncates', async () => {
    const out = join(dir, 'nets');
    const { code, stdout, stderr } = await cli(['run', NETS, '--duration', '400', '--json', '--out', out, '--cache-dir', join(dir, 'cache')]);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.simulatedMs, 400);
    const manifest = JSON.parse(await readFile(report.outputs.manifest, 'utf8'));
    assert.deepEqual(manifest.phases.map((p: { name: string }) => p.name), ['warmup', 'high_input', 'low_input']);
    assert.deepEqual(manifest.phases.map((p: { startMs: number; endMs: number }) => [p.startMs, p.endMs]), [[0, 100], [100, 300], [300, 400]]);
    assert.equal(manifest.protocol.length, 3);
    const longer = await cli(['run', NETS, '--duration', '100000', '--json', '--out', join(dir, 'nets-long'), '--cache-dir', join(dir, 'cache')]);
    assert.equal(longer.code, 2);
    assert.match(longer.stderr, /longer than the protocol/);
  });

  test('--resume takes no spec file', async () => {
    const { code, stderr } = await cli(['run', CUBA, '--resume', join(dir, 'cuba')]);
    assert.equal(code, 2);
    assert.match(stderr, /give no spec file/);
  });

  test('--resume of a missing folder, or of a run without checkpoints, exits 2 saying which', async () => {
    const missing = await cli(['run', '--resume', join(dir, 'no-such-run')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^spikesweep: cannot resume .*no-such-run: no such folder\n$/);
    const plain = await cli(['run', '--resume', dir]);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /cannot resume .*: no progress\.json: only runs started with a checkpoint interval \(--checkpoint-every\) can be resumed/);
  });

  test('a bad argument exits 2 with a usage error', async () => {
    const { code, stdout, stderr } = await cli(['run', CUBA, '--threads', 'two', '--json']);
    assert.equal(code, 2);
    assert.match(stderr, /--threads/);
    assert.equal(JSON.parse(stdout).error.kind, 'usage');
  });
});
