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

/** Runs the driver on one case folder's setup (setup.bin, network.json) and digests its output. */
export async function runDriver(exe: string, caseDir: string, python = 'python3', env: NodeJS.ProcessEnv = {}, setup = 'setup.bin'): Promise<DriverResult> {
  const work = await mkdtemp(join(tmpdir(), 'spikesweep-driver-'));
  try {
    const spikes = join(work, 'spikes.bin');
    const state = join(work, 'state.bin');
    const timings = await run(exe, [join(caseDir, setup), spikes, state], { env: { ...process.env, ...env } });
    const digest = await run(python, [join(packageRoot, 'bench/gpu/digest.py'), join(caseDir, 'network.json'), spikes, state]);
    return { ...JSON.parse(timings.stdout), ...JSON.parse(digest.stdout) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
