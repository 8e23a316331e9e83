// The compile cache: a library per structure, reused across processes, safe when several
// processes compile the same network at once, rebuilt on request, and compiler failures reported
// without the compiler's output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildIR } from '../network/ir/ir.js';
import { backendFor, CompileError } from '../backends/index.js';
import { loadNetworkSpec } from '../network/index.js';

const dir = mkdtempSync(join(tmpdir(), 'spikesweep-cache-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const openmp = backendFor('openmp');
const compileKernel: typeof openmp.compile = (source, opts) => openmp.compile(source, opts);
const source = openmp.generate(buildIR(loadNetworkSpec('examples/cuba.yaml')));

test('three processes compiling one network at once all succeed and share one library', async () => {
  const shared = join(dir, 'concurrent');
  const script = join(dir, 'compile-one.mts');
  writeFileSync(join(dir, 'source.cpp'), source);
  writeFileSync(script, `
    import { readFileSync } from 'node:fs';
    import { backendFor } from ${JSON.stringify(new URL('../backends/index.ts', import.meta.url).pathname)};
    const k = await backendFor('openmp').compile(readFileSync(${JSON.stringify(join(dir, 'source.cpp'))}, 'utf8'), { directory: ${JSON.stringify(shared)} });
    console.log(JSON.stringify(k));
  `);
  const runs = await Promise.all([0, 1, 2].map(() => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  })));
  for (const r of runs) assert.equal(r.code, 0, r.err);
  const results = runs.map((r) => JSON.parse(r.out.trim().split('\n').pop()!));
  assert.equal(new Set(results.map((r) => r.library)).size, 1);
  assert.equal(results.filter((r) => !r.cacheHit).length, 1, 'exactly one process compiled');
  const leftovers = readdirSync(shared).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'));
  assert.deepEqual(leftovers, []);
});

test('a compile whose process was SIGKILLed mid-build leaves a lock the next compile takes over at once', { timeout: 120_000 }, async () => {
  const shared = join(dir, 'killed');
  const script = join(dir, 'compile-killed.mts');
  writeFileSync(join(dir, 'source.cpp'), source);
  writeFileSync(script, `
    import { readFileSync } from 'node:fs';
    import { backendFor } from ${JSON.stringify(new URL('../backends/index.ts', import.meta.url).pathname)};
    await backendFor('openmp').compile(readFileSync(${JSON.stringify(join(dir, 'source.cpp'))}, 'utf8'), { directory: ${JSON.stringify(shared)} });
  `);
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'ignore' });
  const locked = () => existsSync(shared) && readdirSync(shared).some((f) => f.endsWith('.lock'));
  while (!locked()) await new Promise((r) => setTimeout(r, 20));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  assert.ok(locked(), 'the killed process left its lock');
  const kernel = await compileKernel(source, { directory: shared });
  assert.ok(existsSync(kernel.library));
  assert.deepEqual(readdirSync(shared).filter((f) => f.endsWith('.lock')), []);
});

test('a second compile is a cache hit; clean rebuilds', async () => {
  const d = join(dir, 'clean');
  const first = await compileKernel(source, { directory: d });
  assert.equal(first.cacheHit, false);
  const again = await compileKernel(source, { directory: d });
  assert.equal(again.cacheHit, true);
  assert.equal(again.library, first.library);
  const before = statSync(first.library).mtimeMs;
  const rebuilt = await compileKernel(source, { directory: d, clean: true });
  assert.equal(rebuilt.cacheHit, false);
  assert.ok(statSync(rebuilt.library).mtimeMs > before);
});

test('the key changes with the compiler flags', async () => {
  const d = join(dir, 'flags');
  const a = await compileKernel(source, { directory: d });
  const b = await compileKernel(source, { directory: d, flags: ['-O1'] });
  assert.notEqual(a.key, b.key);
});

test('a compiler failure is reported without compiler output, with the log kept', async () => {
  const d = join(dir, 'broken');
  await assert.rejects(compileKernel(`${source}\nthis is not C++;\n`, { directory: d }), (e: unknown) => {
    assert.ok(e instanceof CompileError);
    assert.doesNotMatch(e.message, /error:|\^/);
    assert.match(e.message, /spikesweep bug/);
    assert.ok(existsSync(e.log));
    assert.match(readFileSync(e.log, 'utf8'), /error/);
    return true;
  });
  assert.deepEqual(readdirSync(d).filter((f) => f.endsWith('.so') && !f.startsWith('runtime')), []);
});

test('flags that could name files or load plugins are refused', async () => {
  await assert.rejects(compileKernel(source, { directory: join(dir, 'bad'), flags: ['-fplugin=/tmp/x.so'] }), CompileError);
  await assert.rejects(compileKernel(source, { directory: join(dir, 'bad'), flags: ['-o/etc/passwd'] }), CompileError);
});
