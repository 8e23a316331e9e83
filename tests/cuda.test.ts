// The cuda backend without a GPU. Emulated schedule: the generated CUDA source, built by the host
// compiler with its launches run on the CPU (SPIKESWEEP_CUDA_EMULATE), gives the OpenMP backend's
// spikes bit for bit with its threads visited in order and shuffled — for CUBA, COBA and a network
// with STDP, per-synapse delays, Poisson input, a spike source, refractoriness, noise and
// continuous transmission (psp), and its monitors' records with them over a run longer than a
// monitor's device buffer. Compile
// checks: nvcc builds each of those networks' kernels, single-copy and batched, for sm_90 within a
// register budget and with no spills, and exact-mode kernels contain no fused multiply-add. Fast mode (--cuda-mode fast):
// CUBA and COBA emulated with shuffled threads fire within the reference rate bands, the manifest
// says fast, its kernels have their own cache key, and nvcc builds them within the same budget.
// And on a machine without a GPU, `--backend cuda` is one sentence, not a crash.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cuda } from '../backends/cuda/index.js';
import { compileCheck } from '../backends/cuda/toolchain.js';
import { Network } from '../network/api/network.js';
import { buildIR } from '../network/ir/ir.js';
import { loadNetworkSpec } from '../network/spec/load.js';
import { runCli } from './helpers/cli.js';

const root = new URL('..', import.meta.url).pathname;
const NETWORKS: [string, number][] = [['examples/cuba.yaml', 100], ['examples/coba.yaml', 100], ['tests/fixtures/features.yaml', 300]];
// Registers per thread a kernel may use: 64 keeps a full sm_90 SM's 2048 threads resident. A
// batch's kernel (run_copy_*) reads its copy's captured values from memory rather than kernel
// parameters and may use 80 (1536 threads resident): the features network's STDP delivery tiles
// take 74 there.
const REGISTER_BUDGET = 64;
const BATCH_REGISTER_BUDGET = 80;
// The resident schedule's kernel: a block of 512 threads alone on an SM, or two of 256 sharing one, hold the SM's 65,536 registers.
const RESIDENT_REGISTER_BUDGET = 128;

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'spikesweep-cuda-')); });
after(() => rm(dir, { recursive: true, force: true }));

interface Report { backend: string; spikesSha256: string; populations: Record<string, { spikes: number | null; meanRateHz: number | null }>; outputs: { manifest: string } }

async function spikes(file: string, duration: number, backend: string, env: NodeJS.ProcessEnv = {}, mode = 'exact'): Promise<Report> {
  const out = join(dir, `${file.replace(/\W/g, '_')}-${backend}-${env.SPIKESWEEP_CUDA_ORDER ?? ''}-${mode}-${duration}`);
  const modeArgs = backend === 'cuda' ? ['--cuda-mode', mode] : [];
  const { code, stdout, stderr } = await runCli(['run', join(root, file), '--duration', String(duration), '--seed', '1', '--json', '--out', out, '--backend', backend, ...modeArgs], env);
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

// A monitor's device buffer holds at most 1024 steps (runtime/monitor_buffers.hpp): one run of
// 3000 steps fills each one twice before the run's end drains the rest.
test('monitors filled on the device give the CPU\'s records over a run longer than their buffers', async () => {
  const records = async (backend: 'openmp' | 'cuda') => {
    const net = Network.fromSpec(loadNetworkSpec(join(root, 'tests/fixtures/features.yaml')));
    await net.compile({ backend });
    await net.simulate(300);
    const got = net.monitors.flatMap((m) => m.variables.map((v) => [`${m.name}.${v}`, m.get(v)]));
    net.destroy();
    return Object.fromEntries(got);
  };
  const cpu = await records('openmp');
  const previous = process.env.SPIKESWEEP_CUDA_EMULATE;
  process.env.SPIKESWEEP_CUDA_EMULATE = '1';
  try {
    const gpu = await records('cuda');
    assert.ok(cpu['exc.g_exc'].times.length === 300 && cpu['inh.spike'].times.length > 1000, 'the runs record state and spikes');
    assert.deepEqual(gpu, cpu);
  } finally {
    if (previous === undefined) delete process.env.SPIKESWEEP_CUDA_EMULATE;
    else process.env.SPIKESWEEP_CUDA_EMULATE = previous;
  }
});

const manifestKernel = (report: Report) => JSON.parse(readFileSync(report.outputs.manifest, 'utf8')).kernel;

// The reference bands of tests/core-models.test.ts (there the mean of 3 seeds; here seed 1).
const BANDS: [string, number, number][] = [['examples/cuba.yaml', 5.61, 0.15], ['examples/coba.yaml', 20.48, 0.1]];

describe('fast mode, emulated with threads shuffled, fires within the reference rate bands (1 s, seed 1)', () => {
  for (const [file, rate, tolerance] of BANDS) {
    test(file, async () => {
      const emulate = { SPIKESWEEP_CUDA_EMULATE: '1', SPIKESWEEP_CUDA_ORDER: 'shuffled' };
      const fast = await spikes(file, 1000, 'cuda', emulate, 'fast');
      for (const [name, p] of Object.entries(fast.populations))
        assert.ok(Math.abs(p.meanRateHz! - rate) <= tolerance * rate, `${name}: ${p.meanRateHz} Hz, expected ${rate} Hz ± ${tolerance * 100} %`);
      const exact = await spikes(file, 10, 'cuda', emulate);
      assert.equal(manifestKernel(fast).cudaMode, 'fast');
      assert.equal(manifestKernel(exact).cudaMode, 'exact');
      assert.notEqual(manifestKernel(fast).cacheKey, manifestKernel(exact).cacheKey, 'each mode has its own kernel');
    });
  }
});

describe('nvcc compiles every network\'s kernels for sm_90, in exact and fast mode', () => {
  for (const [file] of NETWORKS) {
    for (const mode of ['exact', 'fast'] as const) {
      test(`${file} (${mode})`, async () => {
        const check = await compileCheck(cuda.generate(buildIR(loadNetworkSpec(join(root, file))), mode), mode);
        assert.equal(check.arch, 'sm_90');
        assert.ok(check.kernels.some((k) => /update_p0/.test(k.kernel)), 'the neuron update is a kernel');
        for (const k of check.kernels) {
          const budget = /resident_kernel/.test(k.kernel) ? RESIDENT_REGISTER_BUDGET : /run_copy_/.test(k.kernel) ? BATCH_REGISTER_BUDGET : REGISTER_BUDGET;
          assert.ok(k.registers > 0 && k.registers <= budget, `${k.kernel}: ${k.registers} registers (budget ${budget})`);
          assert.equal(k.spillStores + k.spillLoads, 0, `${k.kernel} spills`);
        }
        if (mode === 'exact') {
          // The transcendental functions are the runtime's ss::math, not CUDA's (whose exp, log and cos
          // use fused multiply-adds inside), so no network's kernels contain one.
          assert.doesNotMatch(check.ptx, /\bfma\.rn/, 'exact mode emits no fused multiply-add');
          assert.doesNotMatch(check.ptx, /\b(red|atom)\.global\.add\.f/, 'exact mode has no float atomics');
        } else {
          assert.match(check.ptx, /\bfma\.rn/, 'fast mode fuses multiply-adds');
          assert.match(check.ptx, /\b(red|atom)\.global\.add\.f/, 'fast mode delivers with float atomics');
        }
      });
    }
  }
});

test('fast mode on a CPU backend is refused, naming the option', async () => {
  const { code, stderr } = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'openmp', '--cuda-mode', 'fast', '--duration', '10', '--out', join(dir, 'openmp-fast')]);
  assert.equal(code, 2);
  assert.match(stderr, /cudaMode: fast mode is the cuda backend's; the openmp backend is always exact/);
});

const hasGpu = existsSync('/dev') && readdirSync('/dev').some((d) => /^nvidia\d+$/.test(d));

test('--backend cuda on a machine without a GPU is one sentence saying why and what to do', { skip: hasGpu && 'this machine has a GPU' }, async () => {
  const { code, stdout, stderr } = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'cuda', '--duration', '10', '--out', join(dir, 'no-gpu')], { SPIKESWEEP_CUDA_EMULATE: '' });
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.equal(stderr, 'spikesweep: the cuda backend needs an NVIDIA GPU and its driver, and this machine has none (no /dev/nvidia* device): run it on a GPU node (sweeps: the gpu queue) or choose --backend openmp\n');
});

test('a gpu worker on a machine without a GPU refuses to start, in one sentence, rather than fail every run it takes', { skip: hasGpu && 'this machine has a GPU' }, async () => {
  const { code, stderr } = await runCli(['worker', '--queue', 'gpu'], { SPIKESWEEP_CUDA_EMULATE: '', TEMPORAL_ADDRESS: '127.0.0.1:1' });
  assert.equal(code, 1);
  assert.match(stderr, /^spikesweep: a gpu worker cannot start here: the cuda backend needs an NVIDIA GPU and its driver, and this machine has none/m);
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
});
