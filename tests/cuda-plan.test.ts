// The cuda backend's memory plan (`spikesweep run --backend cuda --plan`): worked out from the IR
// and the spec without a GPU, within 1 % of what a built simulation's array store holds for CUBA,
// COBA and the features network, and printed for a named device size. Connectivity that draws
// nothing from the seed is planned once per batch, not per copy. The plan names the schedule a
// batch runs and the shared memory a resident block takes.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nvidiaSmiId, parseMemoryQuery } from '../backends/cuda/device-memory.js';
import { GPU_MODELS } from '../backends/cuda/gpus.js';
import { DEVICE_RESERVE, planMemory } from '../backends/cuda/plan.js';
import type { Dtype } from '../native/index.js';
import { buildIR } from '../network/ir/ir.js';
import { Network, loadNetworkSpec } from '../network/index.js';
import { runCli } from './helpers/cli.js';

const root = new URL('..', import.meta.url).pathname;
const DTYPE_BYTES: Record<Dtype, number> = { f64: 8, f32: 4, i32: 4, i64: 8, u16: 2, u8: 1 };

for (const file of ['examples/cuba.yaml', 'examples/coba.yaml', 'tests/fixtures/features.yaml']) {
  test(`the plan of ${file} is within 1 % of the arrays a built simulation holds`, async () => {
    const spec = { ...loadNetworkSpec(join(root, file)), seed: 1 };
    const net = Network.fromSpec(spec);
    await net.compile();
    const held = net.arrays().reduce((sum, a) => sum + a.length * DTYPE_BYTES[a.dtype], 0);
    const plan = planMemory(spec, buildIR(spec), 80 * 2 ** 30);
    const planned = plan.bytesPerCopy + plan.sharedBytes;
    assert.ok(Math.abs(planned / held - 1) < 0.01, `planned ${planned} B, held ${held} B`);
    assert.equal(plan.copiesThatFit, Math.floor((80 * 2 ** 30 * (1 - DEVICE_RESERVE) - plan.sharedBytes) / plan.bytesPerCopy));
    net.destroy();
  });
}

test('spikesweep run --backend cuda --plan prints the plan for a named device size, with no GPU', async () => {
  const { code, stdout, stderr } = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'cuda', '--plan', '--device-memory', '40', '--json']);
  assert.equal(code, 0, stderr);
  const plan = JSON.parse(stdout);
  assert.equal(plan.network, 'cuba');
  assert.equal(plan.deviceBytes, 40 * 2 ** 30);
  assert.ok(plan.bytesPerCopy > 1.4e6 && plan.bytesPerCopy < 1.7e6, `${plan.bytesPerCopy} B`);
  assert.equal(plan.copiesThatFit, Math.floor((40 * 2 ** 30 * 0.9) / plan.bytesPerCopy));
  assert.deepEqual([...new Set(plan.items.map((i: { object: string }) => i.object))], ['exc', 'inh', 'exc_exc', 'exc_inh', 'inh_exc', 'inh_inh']);

  const text = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'cuda', '--plan']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^cuda memory plan for cuba\n {2}device {13}H100 SXM 80 GB, 80\.00 GiB\n {2}bytes per copy {5}1\.\d\d MiB/);
  assert.match(text.stdout, /copies that fit {4}[\d,]+/);
  assert.match(text.stdout, /schedule {11}batches resident: a block of 256 threads per copy, two per SM \(264 copies at once\), its state in 111\.4 KiB of shared memory \(of 227\.0 KiB\)/);

  // A named GPU: its memory unless --device-memory says otherwise, and its shared memory.
  const a100 = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'cuda', '--plan', '--gpu', 'a100-40gb']);
  assert.equal(a100.code, 0, a100.stderr);
  assert.match(a100.stdout, /device {13}A100 40 GB, 40\.00 GiB\n/);
  assert.match(a100.stdout, /batches resident: a block of 512 threads per copy, one per SM \(108 copies at once\)/);
  const unknown = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'cuda', '--plan', '--gpu', 'v100']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /'--gpu <model>' argument 'v100' is invalid\. expected one of h100, h200, a100-80gb, a100-40gb, l40s/);
  const noPlan = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'cuda', '--gpu', 'h100']);
  assert.equal(noPlan.code, 2);
  assert.match(noPlan.stderr, /--gpu names the device of a --plan; add --plan/);
});

test('the plan names the schedule a batch runs: resident where no step needs the host and the state fits a block\'s shared memory', () => {
  const cuba = loadNetworkSpec(join(root, 'examples/cuba.yaml'));
  const ir = buildIR(cuba);
  // 4,000 neurons × (v, g_exc, g_inh as doubles + the refractory countdown as int32) and the spike
  // stages' chunk counts, places and part sums (2,048 B); the spike flags (a byte each) stay in
  // device memory, which lets two copies share an H100 SM: 2 × (114,048 + 1,024 reserved) ≤ 228 KiB.
  assert.deepEqual(planMemory(cuba, ir, 80 * 2 ** 30).resident, { bytesPerCopy: 114048, sharedPerBlock: 232448, chosen: true, blocksPerSm: 2, copiesAtOnce: 264 });
  // An A100's 163 KiB per block holds one copy, its 164 KiB per SM not two.
  assert.deepEqual(planMemory(cuba, ir, 80 * 2 ** 30, GPU_MODELS['a100-80gb']).resident, { bytesPerCopy: 114048, sharedPerBlock: 166912, chosen: true, blocksPerSm: 1, copiesAtOnce: 108 });
  const l40s = planMemory(cuba, ir, 48 * 2 ** 30, GPU_MODELS.l40s);
  assert.equal(l40s.resident.chosen, false);
  assert.equal(l40s.schedule, 'per-step kernels (not resident: its state takes 111.4 KiB of shared memory per copy, more than a block\'s 99.0 KiB)');
  // A tenth of CUBA stages its flags too: everything fits half an SM.
  const tenth = structuredClone(cuba);
  tenth.populations[0].geometry = 320;
  tenth.populations[1].geometry = 80;
  // state 11,200 B; spike stages 48 + 48 + 512 and 16 + 16 + 512 (16-byte aligned); flags 320 + 80.
  assert.equal(planMemory(tenth, buildIR(tenth), 80 * 2 ** 30).resident.bytesPerCopy, 11200 + 1152 + 400);
  const features = loadNetworkSpec(join(root, 'tests/fixtures/features.yaml'));
  assert.equal(planMemory(features, buildIR(features), 80 * 2 ** 30).schedule,
    'per-step kernels (not resident: projection input_exc has postsynaptic events, which run on the host every step)');
});

test('connectivity that draws nothing from the seed is planned once per batch: all-to-all CUBA fits many more copies', async () => {
  const cuba = loadNetworkSpec(join(root, 'examples/cuba.yaml'));
  const seedless = structuredClone(cuba);
  seedless.populations[0].geometry = 320;
  seedless.populations[1].geometry = 80;
  for (const p of seedless.projections) p.connector = { type: 'allToAll', weights: p.connector.weights };
  const plan = planMemory(seedless, buildIR(seedless), 80 * 2 ** 30);
  // 400 × 400 synapses, less the 320² + 80² onto themselves; rows and 4-byte columns, once.
  const synapses = 400 * 400 - 400;
  assert.equal(plan.synapses, synapses);
  assert.equal(plan.sharedBytes, 8 * (320 + 1) * 2 + 8 * (80 + 1) * 2 + 4 * synapses);
  assert.deepEqual(plan.items.filter((i) => i.sharedInBatch).map((i) => i.object), ['exc_exc', 'exc_inh', 'inh_exc', 'inh_inh']);
  assert.ok(plan.bytesPerCopy < plan.sharedBytes / 10, `${plan.bytesPerCopy} B per copy, ${plan.sharedBytes} B once`);
  assert.equal(plan.copiesThatFit, Math.floor((80 * 2 ** 30 * (1 - DEVICE_RESERVE) - plan.sharedBytes) / plan.bytesPerCopy));
  // Drawn from each copy's seed, CUBA's own connectivity is every copy's.
  assert.equal(planMemory(cuba, buildIR(cuba), 80 * 2 ** 30).sharedBytes, 0);

  const dir = await mkdtemp(join(tmpdir(), 'spikesweep-plan-'));
  const file = join(dir, 'all-to-all.json');
  await writeFile(file, JSON.stringify(seedless));
  const text = await runCli(['run', file, '--backend', 'cuda', '--plan']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /once per batch {5}\d+\.\d+ KiB \(connectivity the copies share/);
  assert.match(text.stdout, /connectivity \(102080 synapses expected; one for a whole batch\)/);
  await rm(dir, { recursive: true, force: true });
});

test('--plan is refused without --backend cuda, and a spec the cuda backend cannot run is refused at its field', async () => {
  const noCuda = await runCli(['run', join(root, 'examples/cuba.yaml'), '--plan']);
  assert.equal(noCuda.code, 2);
  assert.match(noCuda.stderr, /--plan is the cuda backend's memory plan; add --backend cuda/);
  const dir = await mkdtemp(join(tmpdir(), 'spikesweep-plan-'));
  const spec = join(dir, 'threads.yaml');
  await writeFile(spec, `${await readFile(join(root, 'examples/cuba.yaml'), 'utf8')}\nconfig: { numThreads: 2 }\n`);
  const threads = await runCli(['run', spec, '--backend', 'cuda', '--plan']);
  assert.equal(threads.code, 2);
  assert.match(threads.stderr, /config\.numThreads: the cuda backend does not support more than one thread/);
  const zero = await runCli(['run', join(root, 'examples/cuba.yaml'), '--backend', 'cuda', '--plan', '--device-memory', '0']);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--device-memory/);
  await rm(dir, { recursive: true, force: true });
});

test('a gpu worker plans its batches for the free memory nvidia-smi reports of its CUDA device', () => {
  // CUDA numbers the GPUs CUDA_VISIBLE_DEVICES lists, in its order; nvidia-smi takes an index or a UUID.
  assert.equal(nvidiaSmiId(0, undefined), '0');
  assert.equal(nvidiaSmiId(1, ''), '1');
  assert.equal(nvidiaSmiId(0, '3,1'), '3');
  assert.equal(nvidiaSmiId(1, 'GPU-6f1b2c3d-aaaa-bbbb-cccc-0123456789ab, GPU-77'), 'GPU-77');
  assert.throws(() => nvidiaSmiId(2, '0,1'), /cuda device 2 is not among CUDA_VISIBLE_DEVICES=0,1 \(2 listed\)/);

  // `nvidia-smi --query-gpu=memory.free,memory.total --format=csv,noheader,nounits` prints MiB.
  const memory = parseMemoryQuery('0', '61440, 81559\n');
  assert.deepEqual(memory, { id: '0', freeBytes: 61440 * 2 ** 20, totalBytes: 81559 * 2 ** 20 });
  assert.throws(() => parseMemoryQuery('0', 'No devices were found'), /nvidia-smi gave no memory figures for GPU 0: "No devices were found"/);

  // 60 GiB free holds 3/4 of the copies an empty 80 GiB device would.
  const spec = loadNetworkSpec(join(root, 'examples/cuba.yaml'));
  const ir = buildIR(spec);
  const fit = (bytes: number) => planMemory(spec, ir, bytes).copiesThatFit;
  assert.ok(Math.abs(fit(memory.freeBytes) / fit(80 * 2 ** 30) - 0.75) < 0.001, `${fit(memory.freeBytes)} vs ${fit(80 * 2 ** 30)} copies`);
});
