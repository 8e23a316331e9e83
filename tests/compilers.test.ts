// Choosing the host compiler, the GPU and a rebuild, as ANNarchy's configuration does: g++ and
// clang++ build the same spikes under different cache keys; the user configuration file gives
// defaults that the spec and the CLI override; --clean rebuilds; --device reaches the cuda
// backend's runs and is refused on the CPU. Every run goes through bin/spikesweep.js.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadNetworkSpec, Network } from '../network/index.js';
import { runCli } from './helpers/cli.js';

const CUBA = new URL('../examples/cuba.yaml', import.meta.url).pathname;
const COBA = new URL('../examples/coba.yaml', import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), 'spikesweep-compilers-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cache = join(dir, 'cache');
let runs = 0;

interface Manifest {
  report: { spikesSha256: string; compileCacheHit: boolean; threads: number };
  kernel: { cacheKey: string; library: string; compiler: { command: string; version: string; flags: string[]; alwaysAdded: string[] } };
  device: number | null;
}

/** A user configuration folder (XDG_CONFIG_HOME) holding `yaml` as spikesweep/config.yaml. */
function userConfig(yaml: string): string {
  const home = join(dir, `config-${++runs}`);
  mkdirSync(join(home, 'spikesweep'), { recursive: true });
  writeFileSync(join(home, 'spikesweep', 'config.yaml'), yaml);
  return home;
}

/** `spikesweep run` with its own output folder; the manifest it wrote, or the failure. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string; manifest: Manifest | null }> {
  const out = join(dir, `run-${++runs}`);
  const r = await runCli(['run', ...args, '--seed', '7', '--out', out, '--json', '--cache-dir', cache], { XDG_CONFIG_HOME: join(dir, 'no-config'), ...env });
  return { code: r.code, stderr: r.stderr, manifest: r.code === 0 ? JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest : null };
}

async function ok(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Manifest> {
  const r = await run(args, env);
  assert.equal(r.code, 0, r.stderr);
  return r.manifest!;
}

describe('g++ and clang++', () => {
  for (const [name, spec] of [['CUBA', CUBA], ['COBA', COBA]] as const) {
    test(`${name} on the openmp backend: the same spikes from both compilers, under different cache keys`, async () => {
      const gcc = await ok([spec, '--duration', '100', '--threads', '2', '--compiler', 'g++']);
      const clang = await ok([spec, '--duration', '100', '--threads', '2', '--compiler', 'clang++']);
      assert.equal(gcc.kernel.compiler.command, 'g++');
      assert.equal(clang.kernel.compiler.command, 'clang++');
      assert.match(clang.kernel.compiler.version, /clang/);
      assert.ok(clang.kernel.compiler.alwaysAdded.includes('-ffp-contract=off'), 'clang contracts a*b+c unless told not to');
      assert.ok(!clang.kernel.compiler.flags.includes('-ftree-loop-vectorize'), 'GCC-only flags stay with GCC');
      assert.notEqual(clang.kernel.cacheKey, gcc.kernel.cacheKey);
      assert.notEqual(clang.kernel.library, gcc.kernel.library);
      assert.equal(clang.report.spikesSha256, gcc.report.spikesSha256);
    });
  }

  test('compile({ compiler }) takes only g++ or clang++, with a sentence naming the option', async () => {
    const net = Network.fromSpec(loadNetworkSpec(CUBA));
    await assert.rejects(net.compile({ directory: cache, compiler: 'icc' as never }), /compiler: expected one of g\+\+, clang\+\+ as the compiler, got "icc"/);
  });

  test('a compiler missing from the PATH is one sentence naming it and how to install it', async () => {
    const r = await run([CUBA, '--duration', '10', '--compiler', 'clang++'], { PATH: join(dir, 'empty-path') });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the C\+\+ compiler 'clang\+\+' \(option compiler\) was not found on the PATH; install it \(Debian: apt-get install clang/);
  });

  test('--compiler takes only the known compilers', async () => {
    const r = await run([CUBA, '--duration', '10', '--compiler', 'icc']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--compiler <name>' argument 'icc' is invalid\. expected one of g\+\+, clang\+\+/);
  });
});

describe('the user configuration file', () => {
  test('gives the compiler, flags and threads when neither the spec nor the CLI does', async () => {
    const home = userConfig('compiler: clang++\ncompilerFlags: [-O1, -march=x86-64]\nthreads: 2\n');
    const m = await ok([CUBA, '--duration', '20'], { XDG_CONFIG_HOME: home });
    assert.equal(m.kernel.compiler.command, 'clang++');
    assert.deepEqual(m.kernel.compiler.flags, ['-O1', '-march=x86-64']);
    assert.equal(m.report.threads, 2);
  });

  test('the spec overrides it, and the CLI overrides both', async () => {
    const home = userConfig('compiler: clang++\nthreads: 2\n');
    const spec = join(dir, 'cuba-gcc.yaml');
    writeFileSync(spec, `${readFileSync(CUBA, 'utf8')}\ncompiler: g++\n`);
    const fromSpec = await ok([spec, '--duration', '20'], { XDG_CONFIG_HOME: home });
    assert.equal(fromSpec.kernel.compiler.command, 'g++');
    const fromCli = await ok([spec, '--duration', '20', '--compiler', 'clang++', '--threads', '1'], { XDG_CONFIG_HOME: home });
    assert.equal(fromCli.kernel.compiler.command, 'clang++');
    assert.equal(fromCli.report.threads, 1);
  });

  test('a bad file is refused with its path, line and field', async () => {
    const home = userConfig('compiler: icc\nthreads: 0\ncudaDevice: -1\ncolour: blue\n');
    const r = await run([CUBA, '--duration', '10'], { XDG_CONFIG_HOME: home });
    assert.equal(r.code, 2, r.stderr);
    const file = join(home, 'spikesweep', 'config.yaml');
    assert.match(r.stderr, /invalid user configuration \(4 problems\)/);
    assert.ok(r.stderr.includes(`${file}:1:11 compiler: expected one of g++, clang++`), r.stderr);
    assert.ok(r.stderr.includes(`${file}:2:10 threads: expected a positive integer`), r.stderr);
    assert.ok(r.stderr.includes(`${file}:3:13 cudaDevice: expected a GPU index, an integer ≥ 0`), r.stderr);
    assert.ok(r.stderr.includes("unknown field 'colour' (known: compiler, compilerFlags, threads, cudaDevice)"), r.stderr);
  });

  test('flags the compiler would refuse are refused at the file and field', async () => {
    const home = userConfig('compilerFlags: [-O2, -fplugin=evil.so]\n');
    const r = await run([CUBA, '--duration', '10'], { XDG_CONFIG_HOME: home });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`${join(home, 'spikesweep', 'config.yaml')} compilerFlags[1]: compiler flag '-fplugin=evil.so' is not allowed`), r.stderr);
  });

  test('an allowed flag the compiler does not know is named as the user\'s, not reported as a spikesweep bug', async () => {
    for (const [flag, option] of [['-fno-such-flag-xyz', '-fno-such-flag-xyz'], ['-march=nosuchcpu', '-march=nosuchcpu']]) {
      const home = userConfig(`compilerFlags: [${flag}]\n`);
      const r = await run([CUBA, '--duration', '10'], { XDG_CONFIG_HOME: home });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trim(), `spikesweep: g++ refused the option '${option}' (compilerFlags of the spec, the run or the user configuration): remove or correct it`);
    }
  });
});

describe('--clean', () => {
  test('rebuilds the cached kernel in place, with the same spikes', async () => {
    const first = await ok([CUBA, '--duration', '20']);
    const cached = await ok([CUBA, '--duration', '20']);
    assert.equal(cached.report.compileCacheHit, true);
    const before = statSync(first.kernel.library).mtimeMs;
    const clean = await ok([CUBA, '--duration', '20', '--clean']);
    assert.equal(clean.report.compileCacheHit, false);
    assert.equal(clean.kernel.library, first.kernel.library, 'the cache entry is replaced, not added beside');
    assert.ok(statSync(clean.kernel.library).mtimeMs > before);
    assert.equal(clean.report.spikesSha256, first.report.spikesSha256);
  });
});

describe('--device', () => {
  const emulate = { SPIKESWEEP_CUDA_EMULATE: '1' };

  test('is refused on a CPU backend with a sentence', async () => {
    const r = await run([CUBA, '--duration', '10', '--backend', 'serial', '--device', '1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /device: a GPU device is the cuda backend's; the serial backend runs on the CPU \(leave the device out or choose the cuda backend\)/);
  });

  test('reaches the cuda backend and its manifest; the user configuration gives the default', async () => {
    const given = await ok([CUBA, '--duration', '20', '--backend', 'cuda', '--device', '3'], emulate);
    assert.equal(given.device, 3);
    const home = userConfig('cudaDevice: 1\n');
    const configured = await ok([CUBA, '--duration', '20', '--backend', 'cuda'], { ...emulate, XDG_CONFIG_HOME: home });
    assert.equal(configured.device, 1);
    assert.equal(configured.report.spikesSha256, given.report.spikesSha256, 'the device changes where, not what');
    const cpu = await ok([CUBA, '--duration', '20'], { XDG_CONFIG_HOME: home });
    assert.equal(cpu.device, null, 'a CPU run records no device');
  });
});
