// The cuda backend's toolchains. On a GPU machine: nvcc (from scripts/install-cuda.sh, or
// SPIKESWEEP_NVCC) in exact mode — no fused multiply-add, IEEE division and square root, no
// flush to zero, host code without contraction — or in fast mode with fast math, building SASS for sm_80 and sm_90 plus sm_90
// PTX, with cudart linked statically (so nothing of CUDA loads until a cuda kernel does). Without
// a GPU: the emulation toolchain (SPIKESWEEP_CUDA_EMULATE=1), the host compiler building the
// same generated source with launches run on the CPU (runtime/launch.hpp). And the compile check:
// nvcc for sm_90 with ptxas' register report and the PTX, for tests on machines without a GPU.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildOnce, CompileError, defaultCacheDir } from '../cache.js';
import { compileStep, HostToolchain, runtimeSources } from '../host/toolchain.js';
import { backendRuntimeDir, sharedRuntimeIncludeDirs } from '../paths.js';
import type { CompiledKernel, CudaMode, KernelBuildOptions, ToolchainInfo } from '../types.js';

const run = promisify(execFile);
const runtimeDir = backendRuntimeDir('cuda');

/** The architectures every kernel is built for: SASS for each, PTX of the newest for later GPUs. */
export const CUDA_ARCHS = ['sm_80', 'sm_90'];
// Exact mode: the device rounds every operation as the host does (docs: backends/README.md).
export const EXACT_FLAGS = ['--fmad=false', '-prec-div=true', '-prec-sqrt=true', '-ftz=false', '-Xcompiler', '-ffp-contract=off'];
// Fast mode: approximate division, square root and intrinsics, flush to zero, fused multiply-adds.
const FAST_FLAGS = ['--use_fast_math', '--fmad=true'];
/** nvcc's flags in a mode. */
export const nvccFlags = (mode: CudaMode = 'exact') => ['-O2', '-std=c++17', '--extended-lambda', ...(mode === 'fast' ? FAST_FLAGS : EXACT_FLAGS)];
const GENCODE = [
  ...CUDA_ARCHS.map((a) => `-gencode=arch=compute_${a.slice(3)},code=${a}`),
  `-gencode=arch=compute_${CUDA_ARCHS.at(-1)!.slice(3)},code=compute_${CUDA_ARCHS.at(-1)!.slice(3)}`,
];

/** The emulation: the same source on the host compiler; C++20 so a kernel capturing `this` (host memory on a GPU) is an error. */
export const emulation = new HostToolchain({
  backend: 'cuda',
  requiredFlags: ['-fPIC', '-std=c++20', '-ffp-contract=off', '-DSPIKESWEEP_CUDA_EMULATE', '-Werror=deprecated'], runtimeDir,
});

/** Whether kernels are emulated on the CPU (tests, machines without a GPU). */
export const emulated = () => !!process.env.SPIKESWEEP_CUDA_EMULATE;

/** nvcc's path: SPIKESWEEP_NVCC, else the newest install-cuda.sh put in the cache, else nvcc on PATH; null when none. */
export function findNvcc(): string | null {
  if (process.env.SPIKESWEEP_NVCC) return process.env.SPIKESWEEP_NVCC;
  const home = process.env.SPIKESWEEP_CUDA_HOME ?? join(homedir(), '.cache', 'spikesweep', 'cuda');
  const installed = existsSync(home) ? readdirSync(home).sort().reverse().map((v) => join(home, v, 'nvidia', 'cu13', 'bin', 'nvcc')).find(existsSync) : undefined;
  if (installed) return installed;
  const onPath = (process.env.PATH ?? '').split(':').map((d) => join(d, 'nvcc')).find(existsSync);
  return onPath ?? null;
}

const MISSING_NVCC = 'the cuda backend needs nvcc, which was not found: run scripts/install-cuda.sh (it installs nvcc from PyPI into ~/.cache/spikesweep/cuda) or set SPIKESWEEP_NVCC to an nvcc';

/** Why kernels cannot run on a GPU here, or null when a GPU driver is present. */
export function gpuMissing(): string | null {
  const devices = existsSync('/dev') ? readdirSync('/dev').filter((d) => /^nvidia\d+$/.test(d)) : [];
  return devices.length ? null
    : 'the cuda backend needs an NVIDIA GPU and its driver, and this machine has none (no /dev/nvidia* device): run it on a GPU node (sweeps: the gpu queue) or choose --backend openmp';
}

/** Why the cuda backend's runs cannot run here (no GPU, or no nvcc), or null; emulated, they always can. */
export function cudaUnavailable(): string | null {
  if (emulated()) return null;
  return gpuMissing() ?? (findNvcc() ? null : MISSING_NVCC);
}

const versions = new Map<string, Promise<string>>();
function nvccVersion(nvcc: string): Promise<string> {
  if (!versions.has(nvcc)) versions.set(nvcc, run(nvcc, ['--version']).then((r) => r.stdout.trim().split('\n').filter((l) => l.startsWith('Cuda compilation tools')).join(' ') || r.stdout.trim()));
  return versions.get(nvcc)!;
}

function requireNvcc(): string {
  const nvcc = findNvcc();
  if (!nvcc) throw new CompileError(MISSING_NVCC, '');
  return nvcc;
}

const includes = () => [runtimeDir, ...sharedRuntimeIncludeDirs].map((d) => `-I${d}`);

async function key(nvcc: string, source: string, flags: string[]): Promise<string> {
  return createHash('sha256').update(source).update('\0').update(await nvccVersion(nvcc)).update('\0').update(flags.join(' '))
    .update('\0').update(runtimeSources(runtimeDir).digest).digest('hex').slice(0, 40);
}

/** A kernel library built by nvcc for the GPU (the runtime's sources compiled into it). */
export async function compileForGpu(source: string, opts: KernelBuildOptions = {}): Promise<CompiledKernel> {
  const started = performance.now();
  const nvcc = requireNvcc();
  const modeFlags = nvccFlags(opts.cudaMode);
  const flags = [...modeFlags, ...GENCODE, '-Xcompiler', '-fPIC', '-cudart', 'static'];
  const dir = opts.directory ?? defaultCacheDir();
  mkdirSync(dir, { recursive: true });
  const k = await key(nvcc, source, flags);
  const library = join(dir, `${k}.so`);
  const sourcePath = join(dir, `${k}.cu`);
  const runtime = runtimeSources(runtimeDir).files;
  const hit = await buildOnce(library, opts.clean ?? false, async (tmp) => {
    writeFileSync(sourcePath, source);
    // -x cu: the runtime's .cpp files include the kernel launches (runtime/launch.hpp) too.
    await compileStep(nvcc, [...flags, '-shared', ...includes(), '-x', 'cu', sourcePath, ...runtime, '-o', tmp], 'the generated CUDA code', join(dir, `${k}.log`), sourcePath);
  });
  const toolchain: ToolchainInfo = { backend: 'cuda', compiler: nvcc, compilerVersion: await nvccVersion(nvcc), flags: modeFlags, requiredFlags: [...GENCODE, '-cudart', 'static'] };
  return { library, key: k, cacheHit: hit, compileMs: performance.now() - started, toolchain };
}

/** One kernel of a compile check: its registers and bytes spilled, from ptxas -v. */
export interface KernelResources { kernel: string; registers: number; spillStores: number; spillLoads: number }
export interface CompileCheck { nvccVersion: string; arch: string; kernels: KernelResources[]; ptx: string }

/**
 * Compiles a generated source's device code for sm_90 only (ptxas -v), keeping the PTX: what tests
 * check without a GPU. Cached under its key like a kernel.
 */
export async function compileCheck(source: string, mode: CudaMode = 'exact', directory = defaultCacheDir()): Promise<CompileCheck> {
  const nvcc = requireNvcc();
  const flags = [...nvccFlags(mode), '-arch=sm_90', '-Xptxas', '-v'];
  mkdirSync(directory, { recursive: true });
  const k = await key(nvcc, source, flags);
  const report = join(directory, `${k}.check.json`);
  await buildOnce(report, false, async (tmp) => {
    const work = join(directory, `${k}.check`);
    mkdirSync(work, { recursive: true });
    const sourcePath = join(work, 'kernel.cu');
    writeFileSync(sourcePath, source);
    const log = await compileStep(nvcc, [...flags, '-cubin', '--keep', '--keep-dir', work, ...includes(), sourcePath, '-o', join(work, 'kernel.cubin')], 'the generated CUDA code', join(work, 'nvcc.log'), sourcePath);
    const ptxFile = readdirSync(work).find((f) => f.endsWith('.ptx'));
    const check: CompileCheck = { nvccVersion: await nvccVersion(nvcc), arch: 'sm_90', kernels: parsePtxasReport(log), ptx: ptxFile ? readFileSync(join(work, ptxFile), 'utf8') : '' };
    writeFileSync(tmp, JSON.stringify(check));
  });
  return JSON.parse(readFileSync(report, 'utf8')) as CompileCheck;
}

// ptxas -v: "Compiling entry function '<name>' for 'sm_90'", then "… N bytes spill stores, M bytes
// spill loads" and "Used R registers".
function parsePtxasReport(log: string): KernelResources[] {
  const kernels: KernelResources[] = [];
  for (const line of log.split('\n')) {
    const entry = /Compiling entry function '([^']+)'/.exec(line);
    if (entry) kernels.push({ kernel: entry[1], registers: 0, spillStores: 0, spillLoads: 0 });
    const current = kernels.at(-1);
    if (!current) continue;
    const spill = /(\d+) bytes spill stores, (\d+) bytes spill loads/.exec(line);
    if (spill) { current.spillStores = Number(spill[1]); current.spillLoads = Number(spill[2]); }
    const used = /Used (\d+) registers/.exec(line);
    if (used) current.registers = Number(used[1]);
  }
  return kernels;
}
