// The cuda backend without a GPU. Emulated schedule: the generated CUDA source, built by the host
// compiler with its launches run on the CPU (SPIKESWEEP_CUDA_EMULATE), gives the OpenMP backend's
// spikes bit for bit with its threads visited in order and shuffled — for CUBA, COBA and a network
// with STDP, per-synapse delays, Poisson input, a spike source, refractoriness and noise. Compile
// checks: nvcc builds each of those networks' kernels for sm_90 within a register budget and with
// no spills, and exact-mode kernels contain no fused multiply-add. And on a
// machine without a GPU, `--backend cuda` is one sentence, not a crash.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cuda } from '../backends/cuda/index.js';
import { compileCheck } from '../backends/cuda/toolchain.js';
import { buildIR } from '../network/ir/ir.js';
import { loadNetworkSpec } from '../network/spec/load.js';
import { runCli } from './helpers/cli.js';

const root = new URL('..', import.meta.url).pathname;
const NETWORKS: [string, number][] = [['examples/cuba.yaml', 100], ['examples/coba.yaml', 100], ['tests/fixtures/features-cuda.yaml', 300]];
// Registers per thread a kernel may use: 64 keeps a full sm_90 SM's 2048 threads resident.
const REGISTER_BUDGET = 64;

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'spikesweep-cuda-')); });
after(() => rm(dir, { recursive: true, force: true }));

async function spikes(file: string, duration: number, backend: string, env: NodeJS.ProcessEnv = {}): Promise<{ backend: string; spikesSha256: string; populations: Record<string, { spikes: number | null }> }> {
  const out = join(dir, `${file.replace(/\W/g, '_')}-${backend}-${env.SPIKESWEEP_CUDA_ORDER ?? ''}`);
  const { code, stdout, stderr } = await runCli(['run', join(root, file), '--duration', String(duration), '--seed', '1', '--json', '--out', out, '--backend', backend], env);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout);
}

describe('emulated cuda kernels give the OpenMP backend\'s spikes, threads in order and shuffled', () => {
  for (const [file, duration] of NETWORKS) {
    test(file, async () => {
      const cpu = await spikes(file, duration, 'openmp');
      const ordered = await spikes(file, duration, 'cuda', { SPIKESWEEP_CUDA_EMULATE: '1', SPIKESWEEP_CUDA_ORDER: 'ordered' });
      const shuffled = await spikes(file, duration, 'cuda', { SPIKESWEEP_CUDA_EMULATE: '1', SPIKESWEEP_CUDA_ORDER: 'shuffled' });
      assert.equal(ordered.backend, 'cuda');
      assert.ok(Object.values(cpu.populations).every((p) => (p.spikes ?? 0) > 0), 'every population spikes');
      assert.equal(ordered.spikesSha256, cpu.spikesSha256);
      assert.equal(shuffled.spikesSha256, cpu.spikesSha256);
    });
  }
});

describe('nvcc compiles every network\'s kernels for sm_90', () => {
  for (const [file] of NETWORKS) {
    test(file, async () => {
      const check = await compileCheck(cuda.generate(buildIR(loadNetworkSpec(join(root, file)))));
      assert.equal(check.arch, 'sm_90');
      assert.ok(check.kernels.some((k) => /update_p0/.test(k.kernel)), 'the neuron update is a kernel');
      for (const k of check.kernels) {
        assert.ok(k.registers > 0 && k.registers <= REGISTER_BUDGET, `${k.kernel}: ${k.registers} registers (budget ${REGISTER_BUDGET})`);
        assert.equal(k.spillStores + k.spillLoads, 0, `${k.kernel} spills`);
      }
      // The transcendental functions are the runtime's ss::math, not CUDA's (whose exp, log and cos
      // use fused multiply-adds inside), so no network's kernels contain one.
      assert.doesNotMatch(check.ptx, /\bfma\.rn/, 'exact mode emits no fused multiply-add');
    });
  }
});

const hasGpu = existsSync('/dev') && readdirSync('/dev').some((d) => /^nvidia\d+$/.test(d));

test('--backend cuda on a machine without a GPU is one sentence saying why and what to do', { skip: hasGpu && 'this machine has a GPU' }, async () => {
  const { code, stdout, stderr } = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'cuda', '--duration', '10', '--out', join(dir, 'no-gpu')], { SPIKESWEEP_CUDA_EMULATE: '' });
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.equal(stderr, 'spikesweep: the cuda backend needs an NVIDIA GPU and its driver, and this machine has none (no /dev/nvidia* device): run it on a GPU node (sweeps: the gpu queue) or choose --backend openmp\n');
});

test('the cuda backend refuses continuous transmission at its field', async () => {
  const { code, stderr } = await runCli(['run', join(root, 'tests/fixtures/features.yaml'), '--backend', 'cuda', '--duration', '10', '--out', join(dir, 'psp')], { SPIKESWEEP_CUDA_EMULATE: '1' });
  assert.equal(code, 2);
  assert.match(stderr, /projections\[4\]\.synapse: the cuda backend does not support continuous transmission \(psp\)/);
});
