// The host C++ compiler (g++ or clang++, chosen per build: KernelBuildOptions.compiler) building
// kernel libraries for the CPU backends. A kernel's key covers the generated source (so the
// structure and codegen version), the runtime sources (shared and the backend's own), the
// compiler's identity, its flags and — for -march=native — the target the compiler resolves it to. The runtime's .cpp
// files are compiled once per toolchain into an object every kernel links, and (with g++) its main
// header is precompiled, so a new network only compiles its own code.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildOnce, CompileError, defaultCacheDir } from '../cache.js';
import { sharedRuntimeIncludeDirs, sharedRuntimeSourceDir } from '../paths.js';
import { DEFAULT_HOST_COMPILER, HOST_COMPILERS, type BackendName, type CompiledKernel, type HostCompiler, type KernelBuildOptions, type ToolchainInfo } from '../types.js';

const run = promisify(execFile);

// Each compiler's spelling of the same tuning. GCC: -O2 with loop vectorisation runs the kernels
// as fast as -O3 here and compiles in about half the time (bench/README.md). -fno-trapping-math
// lets GCC if-convert a neuron's update: it sinks the arithmetic of a refractory-guarded
// assignment into a branch and, were FP ops allowed to trap, would not speculate it back, so the
// loop stayed scalar ("control flow in loop"). It changes no result (it enables no reassociation
// or contraction; no FP trap is ever unmasked). Clang vectorises loops at -O2 (-fvectorize) and
// knows neither of GCC's vectoriser flags. Both backends add -ffp-contract=off to either, which
// keeps every compiler's results bit for bit the same (clang contracts a*b+c by default).
export const HOST_TUNING: Record<HostCompiler, string[]> = {
  'g++': ['-O2', '-march=native', '-ftree-loop-vectorize', '-fvect-cost-model=dynamic', '-fno-trapping-math'],
  'clang++': ['-O2', '-march=native', '-fvectorize', '-fno-trapping-math'],
};
// Where a compiler comes from on Debian, for the sentence that says it is missing.
const DEBIAN_PACKAGE: Record<HostCompiler, string> = { 'g++': 'g++', 'clang++': 'clang (and libomp-dev for the openmp backend)' };
// User flags may tune code generation, never name files or load plugins.
const ALLOWED_FLAG = /^-(O[0-3sg]|Ofast|march=[\w.-]+|mtune=[\w.-]+|m[\w.-]+|f(?!plugin)[\w.-]+(=[\w.-]+)?|g[0-3]?|D[A-Za-z_]\w*(=\w+)?|U[A-Za-z_]\w*|W[\w.-]*)$/;

export function checkHostFlags(flags: string[]): string[] {
  return flags.filter((f) => !ALLOWED_FLAG.test(f)).map((f) => `compiler flag '${f}' is not allowed (allowed: -O…, -march=…, -mtune=…, -m…, -f…, -g, -D…, -U…, -W…)`);
}

/** Why `compiler` cannot be chosen, or null: only the host compilers the backends know. */
export function checkHostCompiler(compiler: unknown): string | null {
  return (HOST_COMPILERS as readonly unknown[]).includes(compiler) ? null
    : `expected one of ${HOST_COMPILERS.join(', ')} as the compiler, got ${JSON.stringify(compiler)}`;
}

const compilerIds = new Map<string, Promise<string>>();
/** The compiler's `--version` line, once per process; a compiler not on the PATH is a CompileError. */
function compilerIdentity(compiler: HostCompiler): Promise<string> {
  if (!compilerIds.has(compiler)) {
    compilerIds.set(compiler, run(compiler, ['--version']).then((r) => r.stdout.split('\n')[0].trim()).catch(() => {
      throw new CompileError(`the C++ compiler '${compiler}' (option compiler) was not found on the PATH; install it (Debian: apt-get install ${DEBIAN_PACKAGE[compiler]}) or choose ${HOST_COMPILERS.filter((c) => c !== compiler).join(' or ')}`, '');
    }));
  }
  return compilerIds.get(compiler)!;
}

const nativeTargets = new Map<string, Promise<string>>();
/**
 * What `compiler` makes of -march=native here: the instruction sets and tuning it passes its
 * compiler proper (`-###`), without paths. A kernel built for one CPU may not run on another, and
 * the model name does not tell them apart ("AMD EPYC" for Zen 3 without AVX-512 and Zen 4 with it).
 */
function nativeTarget(compiler: string): Promise<string> {
  if (!nativeTargets.has(compiler)) {
    nativeTargets.set(compiler, run(compiler, ['-march=native', '-###', '-fsyntax-only', '-x', 'c++', '/dev/null']).then((r) => {
      const proper = r.stderr.split('\n').find((l) => /cc1plus|"-cc1"/.test(l)) ?? r.stderr;
      return (proper.match(/"[^"]*"|\S+/g) ?? []).filter((t) => !t.includes('/')).join(' ');
    }));
  }
  return nativeTargets.get(compiler)!;
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
  private get runtimeDir(): string { return this.opts.runtimeDir; }

  private get includeDirs(): string[] {
    return [this.runtimeDir, ...sharedRuntimeIncludeDirs];
  }

  /** The toolchain `compiler` builds with: the user's tuning flags, else the compiler's own. */
  async describe(compiler: HostCompiler = DEFAULT_HOST_COMPILER, flags: string[] = HOST_TUNING[compiler]): Promise<ToolchainInfo> {
    return { backend: this.backend, compiler, compilerVersion: await compilerIdentity(compiler), flags, requiredFlags: this.requiredFlags };
  }

  private async toolchainKey(info: ToolchainInfo): Promise<string> {
    const all = [...info.flags, ...info.requiredFlags];
    const h = createHash('sha256').update(info.backend).update('\0').update(runtimeSources(this.runtimeDir).digest).update('\0')
      .update(info.compilerVersion).update('\0').update(all.join(' '));
    if (all.some((f) => f.startsWith('-march=native') || f.startsWith('-mtune=native'))) h.update('\0').update(await nativeTarget(info.compiler));
    return h.update('\0').update(process.arch).digest('hex');
  }

  /** A stand-alone program built by g++ with this backend's flags and runtime headers (benchmark probes). */
  async compileProgram(sourcePath: string, output: string): Promise<void> {
    const args = [...HOST_TUNING['g++'], ...this.requiredFlags, ...this.includeDirs.map((d) => `-I${d}`), sourcePath, '-o', output];
    await compileStep('g++', args, sourcePath, `${output}.log`, sourcePath);
  }

  /**
   * The source lines of the loops g++ vectorised in `source` (GCC's -fopt-info-vec-optimized),
   * compiled with this backend's flags for `-march=<march>`: what the vectorisation guard test and
   * the benchmarks read.
   */
  async vectorisedLoops(source: string, march: string): Promise<Set<number>> {
    const dir = mkdtempSync(join(tmpdir(), 'spikesweep-vec-'));
    try {
      const sourcePath = join(dir, 'network.cpp');
      writeFileSync(sourcePath, source);
      const flags = [...HOST_TUNING['g++'].filter((f) => !f.startsWith('-march=')), `-march=${march}`, ...this.requiredFlags];
      const { stderr } = await run('g++', [...flags, ...this.includeDirs.map((d) => `-I${d}`), '-fopt-info-vec-optimized', '-c', sourcePath, '-o', join(dir, 'network.o')], { maxBuffer: 64 << 20 });
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
    const compiler = opts.compiler ?? DEFAULT_HOST_COMPILER;
    const info = await this.describe(compiler, opts.flags);
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

    const pch = compiler === 'g++' ? await this.precompiledHeader(dir, toolchain, flags, includes) : [];

    const key = createHash('sha256').update(source).update('\0').update(toolchain).digest('hex').slice(0, 40);
    const library = join(dir, `${key}.so`);
    const sourcePath = join(dir, `${key}.cpp`);
    const hit = await buildOnce(library, opts.clean ?? false, async (tmp) => {
      writeFileSync(sourcePath, source);
      await compileStep(compiler, [...flags, '-shared', ...pch, ...includes, sourcePath, runtimeObject, '-o', tmp], 'the generated network code', join(dir, `${key}.log`), sourcePath);
    });
    return { library, key, cacheHit: hit, compileMs: performance.now() - started, toolchain: info };
  }

  /**
   * The runtime header every kernel includes, precompiled by g++, and the flag that finds it:
   * parsing it is a third of a cold compile. GCC picks a .gch up beside an included header;
   * clang reads a precompiled header only through -include-pch, so it parses the header.
   */
  private async precompiledHeader(dir: string, toolchain: string, flags: string[], includes: string[]): Promise<string[]> {
    const pchDir = join(dir, `pch-${toolchain}`);
    const pch = join(pchDir, 'spikesweep', 'sim.hpp.gch');
    mkdirSync(join(pchDir, 'spikesweep'), { recursive: true });
    await buildOnce(pch, false, async (tmp) => {
      const header = join(sharedRuntimeSourceDir, 'sim.hpp');
      await compileStep('g++', [...flags, ...includes, '-x', 'c++-header', header, '-o', tmp], 'the spikesweep runtime header', `${pch}.log`, header);
    });
    return [`-I${pchDir}`];
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
    // The backends' own options are known good: an option the compiler refuses came from the user.
    const refused = /(?:unrecognized command-line option|unknown argument:) ['‘]([^'’]+)['’]|bad value ['‘]([^'’]+)['’] for ['‘]([^'’]+)['’] switch/.exec(err.stderr ?? '');
    if (refused) {
      const option = refused[1] ?? `${refused[3]}${refused[2]}`;
      throw new CompileError(`${compiler} refused the option '${option}' (compilerFlags of the spec, the run or the user configuration): remove or correct it`, logPath);
    }
    throw new CompileError(
      `compiling ${what} failed. This is a spikesweep bug, not a problem with your model; please report it with ${logPath} and ${sourcePath}`,
      logPath,
    );
  }
}
