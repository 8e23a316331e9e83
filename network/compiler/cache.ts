// Content-addressed cache of compiled kernel libraries. A kernel's key covers the generated source
// (so the structure and codegen version), the runtime sources, the compiler, its flags and — for
// -march=native — the CPU model. The hand-written runtime (native/runtime/spikesweep/*.cpp) is
// compiled once per compiler and flags into an object every kernel links, so a new network only
// compiles its own kernels. Several processes building one key at once are safe: one holds a lock
// file, the others wait, and every artifact appears by atomic rename.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultCacheDir, runtimeIncludeDirs, runtimeSourceDir } from './paths.js';

const run = promisify(execFile);

// -O2 with loop vectorisation runs the kernels as fast as -O3 here and compiles in about half
// the time (bench/README.md).
export const DEFAULT_FLAGS = ['-O2', '-march=native', '-ftree-loop-vectorize', '-fvect-cost-model=dynamic'];
// Always passed: kernels are OpenMP, position-independent C++17.
const REQUIRED_FLAGS = ['-fopenmp', '-fPIC', '-std=c++17'];
// User flags may tune code generation, never name files or load plugins.
const ALLOWED_FLAG = /^-(O[0-3sg]|Ofast|march=[\w.-]+|mtune=[\w.-]+|m[\w.-]+|f(?!plugin)[\w.-]+(=[\w.-]+)?|g[0-3]?|D[A-Za-z_]\w*(=\w+)?|U[A-Za-z_]\w*|W[\w.-]*)$/;
const LOCK_STALE_MS = 5 * 60_000;

export interface CompileOptions {
  directory?: string;
  clean?: boolean;
  compiler?: string;
  flags?: string[];
}

export interface CompiledKernel {
  library: string;
  key: string;
  cacheHit: boolean;
  compileMs: number;
}

export class CompileError extends Error {
  constructor(message: string, readonly log: string) {
    super(message);
    this.name = 'CompileError';
  }
}

export function checkCompilerFlags(flags: string[]): string[] {
  return flags.filter((f) => !ALLOWED_FLAG.test(f)).map((f) => `compiler flag '${f}' is not allowed (allowed: -O…, -march=…, -mtune=…, -m…, -f…, -g, -D…, -U…, -W…)`);
}

const compilerIds = new Map<string, Promise<string>>();
function compilerIdentity(compiler: string): Promise<string> {
  if (!compilerIds.has(compiler)) {
    compilerIds.set(compiler, run(compiler, ['--version']).then((r) => r.stdout.split('\n')[0]).catch(() => {
      throw new CompileError(`the C++ compiler '${compiler}' was not found; install g++ (Debian: apt-get install g++) or set CXX`, '');
    }));
  }
  return compilerIds.get(compiler)!;
}

let runtimeSources: { digest: string; files: string[] } | null = null;
function runtime(): { digest: string; files: string[] } {
  if (runtimeSources) return runtimeSources;
  const h = createHash('sha256');
  const files: string[] = [];
  for (const dir of [...runtimeIncludeDirs, runtimeSourceDir]) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!/\.(h|hpp|cpp)$/.test(f)) continue;
      h.update(f).update(readFileSync(join(dir, f)));
      if (f.endsWith('.cpp') && dir === runtimeSourceDir) files.push(join(dir, f));
    }
  }
  runtimeSources = { digest: h.digest('hex'), files };
  return runtimeSources;
}

async function toolchainKey(compiler: string, flags: string[]): Promise<string> {
  const h = createHash('sha256').update(runtime().digest).update('\0').update(await compilerIdentity(compiler)).update('\0').update(flags.join(' '));
  if (flags.some((f) => f.startsWith('-march=native') || f.startsWith('-mtune=native'))) h.update('\0').update(cpus()[0]?.model ?? 'unknown-cpu');
  return h.update('\0').update(process.arch).digest('hex');
}

export async function cacheKey(source: string, compiler: string, flags: string[]): Promise<string> {
  return createHash('sha256').update(source).update('\0').update(await toolchainKey(compiler, flags)).digest('hex').slice(0, 40);
}

async function acquireLock(path: string): Promise<() => void> {
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(path).mtimeMs > LOCK_STALE_MS) rmSync(path, { force: true });
      } catch { /* the holder just released it */ }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

// Builds `target` once: under a lock, into a temporary name, then renamed into place. Returns
// whether it was already there.
async function buildOnce(target: string, rebuild: boolean, build: (tmp: string) => Promise<void>): Promise<boolean> {
  if (rebuild) rmSync(target, { force: true });
  else if (existsSync(target)) return true;
  const release = await acquireLock(`${target}.lock`);
  try {
    if (existsSync(target) && !rebuild) return true;
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    try {
      await build(tmp);
      renameSync(tmp, target);
    } finally {
      rmSync(tmp, { force: true });
    }
    return false;
  } finally {
    release();
  }
}

async function compile(compiler: string, args: string[], what: string, logPath: string, sourcePath: string): Promise<void> {
  try {
    await run(compiler, args, { maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    writeFileSync(logPath, err.stderr ?? err.message);
    throw new CompileError(
      `compiling ${what} failed. This is a spikesweep bug, not a problem with your model; please report it with ${logPath} and ${sourcePath}`,
      logPath,
    );
  }
}

export async function compileKernel(source: string, opts: CompileOptions = {}): Promise<CompiledKernel> {
  const started = performance.now();
  const bad = checkCompilerFlags(opts.flags ?? []);
  if (bad.length) throw new CompileError(bad.join('\n'), '');
  const compiler = opts.compiler ?? process.env.CXX ?? 'g++';
  const flags = [...(opts.flags ?? DEFAULT_FLAGS), ...REQUIRED_FLAGS];
  const includes = runtimeIncludeDirs.map((d) => `-I${d}`);
  const dir = opts.directory ?? defaultCacheDir();
  mkdirSync(dir, { recursive: true });

  const toolchain = (await toolchainKey(compiler, flags)).slice(0, 40);
  const runtimeObject = join(dir, `runtime-${toolchain}.o`);
  await buildOnce(runtimeObject, false, async (tmp) => {
    const unity = `${runtimeObject}.cpp`;
    writeFileSync(unity, runtime().files.map((f) => `#include ${JSON.stringify(f)}\n`).join(''));
    await compile(compiler, [...flags, ...includes, '-c', unity, '-o', tmp], 'the spikesweep runtime', `${runtimeObject}.log`, unity);
  });

  // The runtime header every kernel includes, precompiled: parsing it is a third of a cold compile.
  const pchDir = join(dir, `pch-${toolchain}`);
  const pch = join(pchDir, 'spikesweep', 'sim.hpp.gch');
  mkdirSync(join(pchDir, 'spikesweep'), { recursive: true });
  await buildOnce(pch, false, async (tmp) => {
    const header = join(runtimeSourceDir, 'sim.hpp');
    await compile(compiler, [...flags, ...includes, '-x', 'c++-header', header, '-o', tmp], 'the spikesweep runtime header', `${pch}.log`, header);
  });

  const key = await cacheKey(source, compiler, flags);
  const library = join(dir, `${key}.so`);
  const sourcePath = join(dir, `${key}.cpp`);
  const hit = await buildOnce(library, opts.clean ?? false, async (tmp) => {
    writeFileSync(sourcePath, source);
    await compile(compiler, [...flags, '-shared', `-I${pchDir}`, ...includes, sourcePath, runtimeObject, '-o', tmp], 'the generated network code', join(dir, `${key}.log`), sourcePath);
  });
  return { library, key, cacheHit: hit, compileMs: performance.now() - started };
}
