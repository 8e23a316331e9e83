// Content-addressed cache of compiled kernel libraries. The key covers the generated source (so
// the structure and codegen version), the runtime headers, the compiler, its flags and — for
// -march=native — the CPU model. Several processes compiling one key at once are safe: one holds
// a lock file, the others wait, and the library appears by atomic rename.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultCacheDir, runtimeIncludeDirs } from './paths.js';

const run = promisify(execFile);

export const DEFAULT_FLAGS = ['-O3', '-march=native'];
// Always passed: the kernel is an OpenMP shared library in C++17.
const REQUIRED_FLAGS = ['-fopenmp', '-shared', '-fPIC', '-std=c++17'];
// User flags may tune code generation, never name files or load plugins.
const ALLOWED_FLAG = /^-(O[0-3sg]|Ofast|march=[\w.-]+|mtune=[\w.-]+|m[\w.-]+|f(?!plugin)[\w.-]+(=[\w.-]+)?|g[0-3]?|D[A-Za-z_]\w*(=\w+)?|U[A-Za-z_]\w*|W[\w.-]*|ffast-math)$/;

export function checkCompilerFlags(flags: string[]): string[] {
  return flags.filter((f) => !ALLOWED_FLAG.test(f)).map((f) => `compiler flag '${f}' is not allowed (allowed: -O…, -march=…, -mtune=…, -m…, -f…, -g, -D…, -U…, -W…)`);
}
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

const compilerIds = new Map<string, Promise<string>>();
function compilerIdentity(compiler: string): Promise<string> {
  if (!compilerIds.has(compiler)) {
    compilerIds.set(compiler, run(compiler, ['--version']).then((r) => r.stdout.split('\n')[0]).catch(() => {
      throw new CompileError(`the C++ compiler '${compiler}' was not found; install g++ (Debian: apt-get install g++) or set CXX`, '');
    }));
  }
  return compilerIds.get(compiler)!;
}

function runtimeDigest(): string {
  const h = createHash('sha256');
  for (const dir of runtimeIncludeDirs) {
    for (const sub of ['', 'spikesweep']) {
      const d = join(dir, sub);
      if (!existsSync(d) || !statSync(d).isDirectory()) continue;
      for (const f of readdirSync(d).sort()) if (/\.(h|hpp)$/.test(f)) h.update(f).update(readFileSync(join(d, f)));
    }
  }
  return h.digest('hex');
}

export async function cacheKey(source: string, compiler: string, flags: string[]): Promise<string> {
  const h = createHash('sha256');
  h.update(source).update('\0').update(runtimeDigest()).update('\0').update(await compilerIdentity(compiler)).update('\0').update(flags.join(' '));
  if (flags.some((f) => f.startsWith('-march=native') || f.startsWith('-mtune=native'))) h.update('\0').update(cpus()[0]?.model ?? 'unknown-cpu');
  h.update('\0').update(process.arch);
  return h.digest('hex').slice(0, 40);
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

export async function compileKernel(source: string, opts: CompileOptions = {}): Promise<CompiledKernel> {
  const started = performance.now();
  const compiler = opts.compiler ?? process.env.CXX ?? 'g++';
  const bad = checkCompilerFlags(opts.flags ?? []);
  if (bad.length) throw new CompileError(bad.join('\n'), '');
  const flags = [...(opts.flags ?? DEFAULT_FLAGS), ...REQUIRED_FLAGS];
  const dir = opts.directory ?? defaultCacheDir();
  const key = await cacheKey(source, compiler, flags);
  const library = join(dir, `${key}.so`);
  mkdirSync(dir, { recursive: true });
  if (opts.clean) rmSync(library, { force: true });
  else if (existsSync(library)) return { library, key, cacheHit: true, compileMs: performance.now() - started };

  const release = await acquireLock(join(dir, `${key}.lock`));
  try {
    if (existsSync(library) && !opts.clean) return { library, key, cacheHit: true, compileMs: performance.now() - started };
    const tmp = join(dir, `.${key}.${process.pid}.${Date.now()}`);
    writeFileSync(`${tmp}.cpp`, source);
    try {
      await run(compiler, [...flags, ...runtimeIncludeDirs.map((d) => `-I${d}`), `${tmp}.cpp`, '-o', `${tmp}.so`], { maxBuffer: 64 << 20 });
    } catch (e) {
      const log = join(dir, `${key}.log`);
      const err = e as { stderr?: string; message: string };
      writeFileSync(log, err.stderr ?? err.message);
      rmSync(`${tmp}.so`, { force: true });
      renameSync(`${tmp}.cpp`, join(dir, `${key}.cpp`));
      throw new CompileError(
        `compiling the generated network code failed. This is a spikesweep bug, not a problem with your model; please report it with ${log} and ${join(dir, `${key}.cpp`)}`,
        log,
      );
    }
    renameSync(`${tmp}.so`, library);
    renameSync(`${tmp}.cpp`, join(dir, `${key}.cpp`));
    return { library, key, cacheHit: false, compileMs: performance.now() - started };
  } finally {
    release();
  }
}
