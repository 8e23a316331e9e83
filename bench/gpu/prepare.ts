// Prepares bench/gpu/check.sh's inputs on a machine with Node (the GPU machine has none): the cuda
// backend's nvcc flags (kernels/nvcc.flags) and, for each case in bench/gpu/kernels/<case>/, the
// cuda backend's generated source (kernel.cu), the driver's setup (setup.bin: seed, steps,
// build-time values, inputs, arrays, spike monitors; see driver.cpp), what digest.py needs
// (network.json) and the CPU golden (golden.json: the driver run against the openmp backend's
// kernel of the same network); for the case run as a batch, also each kept copy's golden
// (batch-golden.json: that copy run alone by the same openmp driver). Run it after any change to code generation or the runtime:
// `npx tsx bench/gpu/prepare.ts` (tests/gpu-driver.test.ts fails when kernel.cu is stale).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cuda } from '../../backends/cuda/index.js';
import { DEFAULT_DEVICE_GIB, planMemory } from '../../backends/cuda/plan.js';
import { nvccFlags } from '../../backends/cuda/toolchain.js';
import { openmp } from '../../backends/openmp/index.js';
import { planMonitors } from '../../engine/monitors.js';
import { buildIR } from '../../network/ir/ir.js';
import { buildRuntimeValues } from '../../network/ir/values.js';
import type { NetworkSpec } from '../../network/spec/schema.js';
import { gpuCases, type GpuBatch, type GpuCase } from './cases.js';
import { buildDriver, runDriver, type DriverResult } from './driver.js';

export const kernelsDir = new URL('./kernels/', import.meta.url).pathname;

const DTYPE = { f64: 0, i32: 2 } as const;  // enum ss_dtype

// Little-endian binary in the layout driver.cpp reads.
class SetupWriter {
  private readonly parts: Buffer[] = [];
  i32(x: number): this { const b = Buffer.alloc(4); b.writeInt32LE(x); this.parts.push(b); return this; }
  i64(x: number | bigint): this { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(x)); this.parts.push(b); return this; }
  f64(x: number): this { const b = Buffer.alloc(8); b.writeDoubleLE(x); this.parts.push(b); return this; }
  name(s: string): this { const b = Buffer.from(s, 'utf8'); return this.i32(b.length).bytes(b); }
  bytes(b: Buffer | ArrayBufferView): this { this.parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength)); return this; }
  done(): Buffer { return Buffer.concat(this.parts); }
}

/** The spike monitors the engine would attach for `spec`: one per population, its start and the neurons it keeps. */
function spikeMonitors(spec: NetworkSpec, file: string) {
  const spikesOnly = { ...spec, monitors: spec.monitors.map((m) => ({ ...m, variables: m.variables.filter((v) => v === 'spike') })).filter((m) => m.variables.length) };
  return planMonitors(spikesOnly, buildIR(spec), new Map(), file).spikes.map((s) => ({
    population: s.population, index: s.index, startStep: s.startStep,
    indices: s.mask ? [...s.mask.keys()].filter((i) => s.mask![i]) : null,
  }));
}

function setupFile(spec: NetworkSpec, steps: number, monitors: ReturnType<typeof spikeMonitors>, varied: GpuBatch['varied']): Buffer {
  const { values, inputs, arrays } = buildRuntimeValues(spec, buildIR(spec));
  const w = new SetupWriter().i64(spec.seed!).i64(steps).i64(values.length).bytes(values).i64(Object.keys(inputs).length);
  for (const [name, data] of Object.entries(inputs)) w.name(name).i32(data instanceof Int32Array ? DTYPE.i32 : DTYPE.f64).i64(data.length).bytes(data);
  w.i64(arrays.length);
  for (const a of arrays) w.name(a.name).i64(a.data.length).bytes(a.data);
  w.i64(monitors.length);
  for (const m of monitors) w.i32(m.index).i64(m.startStep);
  w.i64(varied.length);
  for (const v of varied) w.name(v.array).f64(v.step);
  return w.done();
}

const goldenOf = (r: DriverResult) => ({ backend: 'openmp', steps: r.steps, spikes: r.spikes, spikesSha256: r.spikesSha256, stateSha256: r.stateSha256 });

async function prepare(c: GpuCase, work: string): Promise<void> {
  const dir = join(kernelsDir, c.name);
  await mkdir(dir, { recursive: true });
  const ir = buildIR(c.spec);
  const monitors = spikeMonitors(c.spec, c.file);
  await writeFile(join(dir, 'kernel.cu'), cuda.generate(ir));
  const varied = c.batch?.varied ?? [];
  await writeFile(join(dir, 'setup.bin'), setupFile(c.spec, c.steps, monitors, varied));
  if (c.sanitizerSteps) await writeFile(join(dir, 'sanitize.bin'), setupFile(c.spec, c.sanitizerSteps, monitors, varied));
  // check.sh skips a batch size whose planned bytes exceed the device's free memory.
  const batch = c.batch && { ...c.batch, neurons: ir.populations.reduce((n, p) => n + p.size, 0), plannedBytesPerCopy: planMemory(c.spec, ir, DEFAULT_DEVICE_GIB * 2 ** 30).bytesPerCopy };
  await writeFile(join(dir, 'network.json'), JSON.stringify({ case: c.name, source: c.file, seed: c.spec.seed, steps: c.steps, dt: c.spec.dt, spikeMonitors: monitors, batch }, null, 2) + '\n');
  const kernel = join(work, `${c.name}.cpp`);
  const exe = join(work, `${c.name}-openmp`);
  await writeFile(kernel, openmp.generate(ir));
  await buildDriver('openmp', kernel, exe);
  const golden = await runDriver(exe, dir);
  await writeFile(join(dir, 'golden.json'), JSON.stringify(goldenOf(golden), null, 2) + '\n');
  console.error(`${c.name}: ${golden.spikes} spikes, ${golden.spikesSha256.slice(0, 12)}…, simulate ${golden.simulateMs.toFixed(0)} ms on the CPU`);
  if (c.batch) {
    const copies: Record<number, ReturnType<typeof goldenOf>> = {};
    for (const b of c.batch.kept) copies[b] = goldenOf(await runDriver(exe, dir, b));
    await writeFile(join(dir, 'batch-golden.json'), JSON.stringify({ copies: c.batch.copies, goldens: copies }, null, 2) + '\n');
    console.error(`${c.name} batch: copies ${c.batch.kept.join(', ')}: ${c.batch.kept.map((b) => copies[b].spikes).join(', ')} spikes`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const work = await mkdtemp(join(tmpdir(), 'spikesweep-gpu-prepare-'));
  try {
    // check.sh builds with the backend's own nvcc flags (exact mode).
    await mkdir(kernelsDir, { recursive: true });
    await writeFile(join(kernelsDir, 'nvcc.flags'), nvccFlags().join(' ') + '\n');
    for (const c of gpuCases()) await prepare(c, work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
