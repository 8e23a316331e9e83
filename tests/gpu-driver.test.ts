// bench/gpu/check.sh's logic, proven before a GPU sees it: the driver it builds over the kernel C
// interface (bench/gpu/driver.cpp), linked with the committed cuda kernels emulated on the CPU with
// their threads shuffled, reproduces the CPU goldens (spike hash and final-state digest) that
// bench/gpu/prepare.ts made with the openmp kernels, alone and as copies of a batch (each copy its
// own seed and weight); its spike hash is `spikesweep run`'s; and the committed kernels are what the
// cuda backend generates today.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cuda } from '../backends/cuda/index.js';
import { openmp } from '../backends/openmp/index.js';
import { gpuCases } from '../bench/gpu/cases.js';
import { buildDriver, runDriver, runDriverBatch } from '../bench/gpu/driver.js';
import { kernelsDir } from '../bench/gpu/prepare.js';
import { buildIR } from '../network/ir/ir.js';
import { runCli } from './helpers/cli.js';
import { python } from './helpers/python.js';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'spikesweep-gpu-driver-')); });
after(() => rm(dir, { recursive: true, force: true }));

const shuffled = { SPIKESWEEP_CUDA_ORDER: 'shuffled' };
const golden = (name: string) => JSON.parse(readFileSync(join(kernelsDir, name, 'golden.json'), 'utf8'));

test('the committed kernels are what the cuda backend generates (else run npx tsx bench/gpu/prepare.ts)', () => {
  for (const c of gpuCases()) assert.equal(readFileSync(join(kernelsDir, c.name, 'kernel.cu'), 'utf8'), cuda.generate(buildIR(c.spec)), c.name);
});

describe('the driver over the emulated cuda kernels, threads shuffled, gives the CPU goldens', () => {
  for (const name of ['cuba', 'features']) {
    test(name, async () => {
      const exe = join(dir, name);
      await buildDriver('cuda-emulated', join(kernelsDir, name, 'kernel.cu'), exe);
      const result = await runDriver(exe, join(kernelsDir, name), 0, { python, env: shuffled });
      const expected = golden(name);
      assert.ok(result.spikes > 1000, `${result.spikes} spikes`);
      assert.equal(result.spikes, expected.spikes);
      assert.equal(result.spikesSha256, expected.spikesSha256);
      assert.equal(result.stateSha256, expected.stateSha256);
    });
  }
});

test('a batch of 3 CUBA copies over the emulated cuda kernels, threads shuffled: each copy is its CPU run alone', async () => {
  const caseDir = join(kernelsDir, 'cuba');
  const cudaExe = join(dir, 'cuba-batch');
  const openmpExe = join(dir, 'cuba-openmp');
  await buildDriver('cuda-emulated', join(caseDir, 'kernel.cu'), cudaExe);
  await writeFile(join(dir, 'cuba.cpp'), openmp.generate(buildIR(gpuCases().find((c) => c.name === 'cuba')!.spec)));
  await buildDriver('openmp', join(dir, 'cuba.cpp'), openmpExe);
  const batch = await runDriverBatch(cudaExe, caseDir, 3, 0, [0, 1, 2], { python, env: shuffled });
  assert.equal(batch.copies, 3);
  assert.equal(batch.steps, 10000);
  // Copies 0 and 1: the goldens check.sh compares a GPU batch with.
  const { goldens } = JSON.parse(readFileSync(join(caseDir, 'batch-golden.json'), 'utf8'));
  for (const b of [0, 1]) {
    assert.equal(batch.digests[b].spikesSha256, goldens[b].spikesSha256, `copy ${b}`);
    assert.equal(batch.digests[b].stateSha256, goldens[b].stateSha256, `copy ${b}`);
  }
  // Copy 2 against the openmp kernel running copy 2 alone (seed 3, weight × 1.04).
  const alone = await runDriver(openmpExe, caseDir, 2, { python });
  assert.equal(batch.digests[2].spikes, alone.spikes);
  assert.equal(batch.digests[2].spikesSha256, alone.spikesSha256);
  assert.equal(batch.digests[2].stateSha256, alone.stateSha256);
  // The copies differ from each other: their seeds and weights reach the kernels.
  assert.equal(new Set([0, 1, 2].map((b) => batch.digests[b].spikesSha256)).size, 3);
  assert.ok(batch.digests[2].spikes > batch.digests[0].spikes, `${batch.digests[2].spikes} vs ${batch.digests[0].spikes} spikes`);
});

test('the CUBA golden\'s spike hash is spikesweep run\'s', async () => {
  const { code, stdout, stderr } = await runCli(['run', 'examples/cuba.yaml', '--seed', '1', '--duration', '1000', '--json', '--out', join(dir, 'cuba-run')]);
  assert.equal(code, 0, stderr);
  assert.equal(JSON.parse(stdout).spikesSha256, golden('cuba').spikesSha256);
});
