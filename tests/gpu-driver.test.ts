// bench/gpu/check.sh's logic, proven before a GPU sees it: the driver it builds over the kernel C
// interface (bench/gpu/driver.cpp), linked with the committed cuda kernels emulated on the CPU with
// their threads shuffled, reproduces the CPU goldens (spike hash and final-state digest) that
// bench/gpu/prepare.ts made with the openmp kernels; its spike hash is `spikesweep run`'s; and the
// committed kernels are what the cuda backend generates today.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cuda } from '../backends/cuda/index.js';
import { gpuCases } from '../bench/gpu/cases.js';
import { buildDriver, runDriver } from '../bench/gpu/driver.js';
import { kernelsDir } from '../bench/gpu/prepare.js';
import { buildIR } from '../network/ir/ir.js';
import { runCli } from './helpers/cli.js';
import { python } from './helpers/python.js';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'spikesweep-gpu-driver-')); });
after(() => rm(dir, { recursive: true, force: true }));

const golden = (name: string) => JSON.parse(readFileSync(join(kernelsDir, name, 'golden.json'), 'utf8'));

test('the committed kernels are what the cuda backend generates (else run npx tsx bench/gpu/prepare.ts)', () => {
  for (const c of gpuCases()) assert.equal(readFileSync(join(kernelsDir, c.name, 'kernel.cu'), 'utf8'), cuda.generate(buildIR(c.spec)), c.name);
});

describe('the driver over the emulated cuda kernels, threads shuffled, gives the CPU goldens', () => {
  for (const name of ['cuba', 'features']) {
    test(name, async () => {
      const exe = join(dir, name);
      await buildDriver('cuda-emulated', join(kernelsDir, name, 'kernel.cu'), exe);
      const result = await runDriver(exe, join(kernelsDir, name), python, { SPIKESWEEP_CUDA_ORDER: 'shuffled' });
      const expected = golden(name);
      assert.ok(result.spikes > 1000, `${result.spikes} spikes`);
      assert.equal(result.spikes, expected.spikes);
      assert.equal(result.spikesSha256, expected.spikesSha256);
      assert.equal(result.stateSha256, expected.stateSha256);
    });
  }
});

test('the CUBA golden\'s spike hash is spikesweep run\'s', async () => {
  const { code, stdout, stderr } = await runCli(['run', 'examples/cuba.yaml', '--seed', '1', '--duration', '1000', '--json', '--out', join(dir, 'cuba-run')]);
  assert.equal(code, 0, stderr);
  assert.equal(JSON.parse(stdout).spikesSha256, golden('cuba').spikesSha256);
});
