// The GPU check's driver (bench/gpu/driver.cpp) built and run on this machine: against the openmp
// backend's kernel for the CPU goldens, and against the cuda backend's kernel emulated on the CPU
// (tests/gpu-driver.test.ts), with the flags and runtime headers those backends build with.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { emulation } from '../../backends/cuda/toolchain.js';
import { toolchain as openmpToolchain } from '../../backends/openmp/index.js';
import { HOST_TUNING, runtimeSources } from '../../backends/host/toolchain.js';
import { backendRuntimeDir, packageRoot, sharedRuntimeIncludeDirs } from '../../backends/paths.js';

const run = promisify(execFile);

export type DriverKernel = 'openmp' | 'cuda-emulated';

/** What driver.cpp prints and digest.py computes for one run. */
export interface DriverResult {
  steps: number;
  spikes: number;
  buildMs: number;
  simulateMs: number;
  spikesSha256: string;
  stateSha256: string;
}

const BUILD = {
  openmp: { toolchain: openmpToolchain, runtime: backendRuntimeDir('openmp') },
  'cuda-emulated': { toolchain: emulation, runtime: backendRuntimeDir('cuda') },
} as const;

/** Builds the driver over `kernelPath` (a generated source of the given kind; a .cu is C++ here) into `exe`. */
export async function buildDriver(kind: DriverKernel, kernelPath: string, exe: string): Promise<void> {
  const { toolchain, runtime } = BUILD[kind];
  const sources = runtimeSources(runtime).files;
  const includes = [runtime, ...sharedRuntimeIncludeDirs].map((d) => `-I${d}`);
  await run('g++', [
    ...HOST_TUNING['g++'], ...toolchain.requiredFlags, ...includes,
    '-x', 'c++', kernelPath, '-x', 'none', ...sources, join(packageRoot, 'bench/gpu/driver.cpp'), '-o', exe,
  ], { maxBuffer: 64 << 20 });
}

export interface RunOptions {
  python?: string;
  env?: NodeJS.ProcessEnv;
  /** The setup file in the case folder. */
  setup?: string;
}

// The spike hash and state digest of one copy's outputs (digest.py).
async function digest(caseDir: string, spikes: string, state: string, python: string): Promise<Pick<DriverResult, 'spikes' | 'spikesSha256' | 'stateSha256'>> {
  const { stdout } = await run(python, [join(packageRoot, 'bench/gpu/digest.py'), join(caseDir, 'network.json'), spikes, state]);
  return JSON.parse(stdout);
}

async function inWorkDir<T>(body: (work: string) => Promise<T>): Promise<T> {
  const work = await mkdtemp(join(tmpdir(), 'spikesweep-driver-'));
  try {
    return await body(work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Runs copy `copy` (seed + copy, varied arrays scaled; see driver.cpp) of one case folder's setup alone and digests its output. */
export function runDriver(exe: string, caseDir: string, copy = 0, { python = 'python3', env = {}, setup = 'setup.bin' }: RunOptions = {}): Promise<DriverResult> {
  return inWorkDir(async (work) => {
    const spikes = join(work, 'spikes.bin');
    const state = join(work, 'state.bin');
    const timings = await run(exe, [join(caseDir, setup), spikes, state, String(copy)], { env: { ...process.env, ...env } });
    return { ...JSON.parse(timings.stdout), ...(await digest(caseDir, spikes, state, python)) };
  });
}

/** What one batched run gives: the timings of the whole batch and each listed copy's digests. */
export interface BatchResult {
  copies: number;
  steps: number;
  buildMs: number;
  simulateMs: number;
  digests: Record<number, Pick<DriverResult, 'spikes' | 'spikesSha256' | 'stateSha256'>>;
}

/** Runs `copies` copies of a case's setup joined as one batch for `steps` (0: the setup's) and digests the copies in `kept`. */
export function runDriverBatch(exe: string, caseDir: string, copies: number, steps: number, kept: number[], { python = 'python3', env = {}, setup = 'setup.bin' }: RunOptions = {}): Promise<BatchResult> {
  return inWorkDir(async (work) => {
    const timings = await run(exe, ['--batch', join(caseDir, setup), String(copies), String(steps), work, ...kept.map(String)], { env: { ...process.env, ...env } });
    const batch = JSON.parse(timings.stdout);
    const digests: BatchResult['digests'] = {};
    for (const b of kept) digests[b] = await digest(caseDir, join(work, `copy-${b}.spikes`), join(work, `copy-${b}.state`), python);
    return { copies: batch.copies, steps: batch.steps, buildMs: batch.buildMs, simulateMs: batch.simulateMs, digests };
  });
}
