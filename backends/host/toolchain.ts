// The host C++ compiler ($CXX, else the backend's default) building kernel libraries for the CPU backends.
// A kernel's key covers the generated source (so the structure and codegen version), the runtime
// sources (shared and the backend's own), the compiler, its flags and — for -march=native — the CPU
// model. The runtime's .cpp files are compiled once per toolchain into an object every kernel
// links, and its main header is precompiled, so a new network only compiles its own code.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildOnce, CompileError, defaultCacheDir } from '../cache.js';
import { sharedRuntimeIncludeDirs, sharedRuntimeSourceDir } from '../paths.js';
import type { BackendName, CompiledKernel, KernelBuildOptions, ToolchainInfo } from '../types.js';

const run = promisify(execFile);

// -O2 with loop vectorisation runs the kernels as fast as -O3 here and compiles in about half
// the time (bench/README.md). -fno-trapping-math lets GCC if-convert a neuron's update: it sinks
// the arithmetic of a refractory-guarded assignment into a branch and, were FP ops allowed to
// trap, would not speculate it back, so the loop stayed scalar ("control flow in loop"). It
// changes no result (it enables no reassociation or contraction; no FP trap is ever unmasked).
export const HOST_TUNING = ['-O2', '-march=native', '-ftree-loop-vectorize', '-fvect-cost-model=dynamic', '-fno-trapping-math'];
// User flags may tune code generation, never name files or load plugins.
const ALLOWED_FLAG = /^-(O[0-3sg]|Ofast|march=[\w.-]+|mtune=[\w.-]+|m[\w.-]+|f(?!plugin)[\w.-]+(=[\w.-]+)?|g[0-3]?|D[A-Za-z_]\w*(=\w+)?|U[A-Za-z_]\w*|W[\w.-]*)$/;

export function checkHostFlags(flags: string[]): string[] {
  return flags.filter((f) => !ALLOWED_FLAG.test(f)).map((f) => `compiler flag '${f}' is not allowed (allowed: -O…, -march=…, -mtune=…, -m…, -f…, -g, -D…, -U…, -W…)`);
}

const compilerIds = new Map<string, Promise<string>>();
function compilerIdentity(compiler: string): Promise<string> {
  if (!compilerIds.has(compiler)) {
    compilerIds.set(compiler, run(compiler, ['--version']).then((r) => r.stdout.split('\n')[0].trim()).catch(() => {
      throw new CompileError(`the C++ compiler '${compiler}' was not found; install it (Debian: apt-get install ${compiler}) or set CXX to another`, '');
    }));
  }
  return compilerIds.get(compiler)!;
}

export interface RuntimeSources {
  /** Over every header and source a kernel of the backend compiles against: part of every cache key. */
  digest: string;
  /** The shared runtime's .cpp files, compiled into every kernel library. */
  files: string[];
}

const runtimes = new Map<string, RuntimeSources>();

/** The runtime sources of the backend whose own headers are in `backendDir` (read once per process). */
export function runtimeSources(backendDir: string): RuntimeSources {
  const known = runtimes.get(backendDir);
  if (known) return known;
  const h = createHash('sha256');
  const files: string[] = [];
  for (const dir of [backendDir, ...sharedRuntimeIncludeDirs, sharedRuntimeSourceDir]) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!/\.(h|hpp|cpp)$/.test(f)) continue;
      h.update(f).update(readFileSync(join(dir, f)));
      if (f.endsWith('.cpp') && dir === sharedRuntimeSourceDir) files.push(join(dir, f));
    }
  }
  const sources = { digest: h.digest('hex'), files };
  runtimes.set(backendDir, sources);
  return sources;
}

export interface HostToolchainOptions {
  backend: BackendName;
  /** The compiler when CXX is not set. */
  compiler: string;
  /** Tuning flags when the spec gives none. */
  defaultFlags: string[];
  /** Always added, e.g. the threading library's flag. */
  requiredFlags: string[];
  /** The backend's own runtime headers (its schedule's primitives), searched before the shared runtime. */
  runtimeDir: string;
}

/** A CPU backend's toolchain: the host compiler with the backend's flags and runtime folder. */
export class HostToolchain {
  constructor(private readonly opts: HostToolchainOptions) {}

  get backend(): BackendName { return this.opts.backend; }
  get requiredFlags(): string[] { return this.opts.requiredFlags; }
  get defaultFlags(): string[] { return this.opts.defaultFlags; }
  private get runtimeDir(): string { return this.opts.runtimeDir; }

  get compiler(): string {
    return process.env.CXX ?? this.opts.compiler;
  }

  private get includeDirs(): string[] {
    return [this.runtimeDir, ...sharedRuntimeIncludeDirs];
  }

  async describe(flags: string[] = this.defaultFlags): Promise<ToolchainInfo> {
    return { backend: this.backend, compiler: this.compiler, compilerVersion: await compilerIdentity(this.compiler), flags, requiredFlags: this.requiredFlags };
  }

  private async toolchainKey(info: ToolchainInfo): Promise<string> {
    const all = [...info.flags, ...info.requiredFlags];
    const h = createHash('sha256').update(info.backend).update('\0').update(runtimeSources(this.runtimeDir).digest).update('\0')
      .update(info.compilerVersion).update('\0').update(all.join(' '));
    if (all.some((f) => f.startsWith('-march=native') || f.startsWith('-mtune=native'))) h.update('\0').update(cpus()[0]?.model ?? 'unknown-cpu');
    return h.update('\0').update(process.arch).digest('hex');
  }

  /** A stand-alone program built with this backend's flags and runtime headers (benchmark probes). */
  async compileProgram(sourcePath: string, output: string): Promise<void> {
    const args = [...this.defaultFlags, ...this.requiredFlags, ...this.includeDirs.map((d) => `-I${d}`), sourcePath, '-o', output];
    await compileStep(this.compiler, args, sourcePath, `${output}.log`, sourcePath);
  }

  /**
   * The source lines of the loops the compiler vectorised in `source` (GCC's -fopt-info-vec-optimized),
   * compiled with this backend's flags for `-march=<march>`: what the vectorisation guard test and
   * the benchmarks read.
   */
  async vectorisedLoops(source: string, march: string): Promise<Set<number>> {
    const dir = mkdtempSync(join(tmpdir(), 'spikesweep-vec-'));
    try {
      const sourcePath = join(dir, 'network.cpp');
      writeFileSync(sourcePath, source);
      const flags = [...this.defaultFlags.filter((f) => !f.startsWith('-march=')), `-march=${march}`, ...this.requiredFlags];
      const { stderr } = await run(this.compiler, [...flags, ...this.includeDirs.map((d) => `-I${d}`), '-fopt-info-vec-optimized', '-c', sourcePath, '-o', join(dir, 'network.o')], { maxBuffer: 64 << 20 });
      const lines = [...stderr.matchAll(/network\.cpp:(\d+):\d+: optimized: loop vectorized/g)].map((m) => Number(m[1]));
      return new Set(lines);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async compile(source: string, opts: KernelBuildOptions = {}): Promise<CompiledKernel> {
    const started = performance.now();
    const bad = checkHostFlags(opts.flags ?? []);
    if (bad.length) throw new CompileError(bad.join('\n'), '');
    const info = await this.describe(opts.flags ?? this.defaultFlags);
    const compiler = this.compiler;
    const flags = [...info.flags, ...info.requiredFlags];
    const includes = this.includeDirs.map((d) => `-I${d}`);
    const dir = opts.directory ?? defaultCacheDir();
    mkdirSync(dir, { recursive: true });

    const toolchain = (await this.toolchainKey(info)).slice(0, 40);
    const runtimeObject = join(dir, `runtime-${toolchain}.o`);
    await buildOnce(runtimeObject, false, async (tmp) => {
      const unity = `${runtimeObject}.cpp`;
      writeFileSync(unity, runtimeSources(this.runtimeDir).files.map((f) => `#include ${JSON.stringify(f)}\n`).join(''));
      await compileStep(compiler, [...flags, ...includes, '-c', unity, '-o', tmp], 'the spikesweep runtime', `${runtimeObject}.log`, unity);
    });

    // The runtime header every kernel includes, precompiled: parsing it is a third of a cold compile.
    const pchDir = join(dir, `pch-${toolchain}`);
    const pch = join(pchDir, 'spikesweep', 'sim.hpp.gch');
    mkdirSync(join(pchDir, 'spikesweep'), { recursive: true });
    await buildOnce(pch, false, async (tmp) => {
      const header = join(sharedRuntimeSourceDir, 'sim.hpp');
      await compileStep(compiler, [...flags, ...includes, '-x', 'c++-header', header, '-o', tmp], 'the spikesweep runtime header', `${pch}.log`, header);
    });

    const key = createHash('sha256').update(source).update('\0').update(toolchain).digest('hex').slice(0, 40);
    const library = join(dir, `${key}.so`);
    const sourcePath = join(dir, `${key}.cpp`);
    const hit = await buildOnce(library, opts.clean ?? false, async (tmp) => {
      writeFileSync(sourcePath, source);
      await compileStep(compiler, [...flags, '-shared', `-I${pchDir}`, ...includes, sourcePath, runtimeObject, '-o', tmp], 'the generated network code', join(dir, `${key}.log`), sourcePath);
    });
    return { library, key, cacheHit: hit, compileMs: performance.now() - started, toolchain: info };
  }
}

/** Runs one compiler step and returns what it printed; a failure is a CompileError naming the log and the source. */
export async function compileStep(compiler: string, args: string[], what: string, logPath: string, sourcePath: string): Promise<string> {
  try {
    const r = await run(compiler, args, { maxBuffer: 64 << 20 });
    return r.stderr + r.stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    writeFileSync(logPath, err.stderr ?? err.message);
    throw new CompileError(
      `compiling ${what} failed. This is a spikesweep bug, not a problem with your model; please report it with ${logPath} and ${sourcePath}`,
      logPath,
    );
  }
}
