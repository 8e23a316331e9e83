// docker/: the worker images, linted (tests/images/ builds and runs them; Debian has no hadolint):
// dockerfile-utils (the Dockerfile language server's validator: syntax, instructions, flags) plus
// this file's rules — multi-stage, the runtime stage without build-only tools but with g++ and
// libgomp, non-root, the compile cache on a volume, ENTRYPOINT = `spikesweep worker`, and only the
// variables `spikesweep worker` reads (WORKER_ENV), with values its parsers accept.
// Deliberately broken Dockerfiles must fail the same rules. Tools: scripts/install-k8s-tools.sh.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, test } from 'node:test';
import { workerOptionsFromEnv } from '../cli/commands/worker.js';
import { WORKER_ENV } from '../worker/settings.js';

const ROOT = new URL('..', import.meta.url).pathname;
const TOOLS_NPM = process.env.SPIKESWEEP_K8S_TOOLS_DIR ?? join(homedir(), '.cache', 'spikesweep', 'k8s-tools');
const OTHER_WORKER_VARS = new Set(['SPIKESWEEP_CACHE_DIR', 'SPIKESWEEP_LOG_LEVEL']);
const BUILD_ONLY = ['cmake', 'python3', 'make', 'build-essential', 'git', 'golang-go', 'curl', 'wget'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let validate: (content: string) => { message: string; severity: number; range: { start: { line: number } } }[];

interface Instruction { keyword: string; args: string; line: number }
interface Stage { from: string; name: string | null; instructions: Instruction[] }

/** Stages with ARG defaults substituted in FROM (a tiny parser: continuation lines joined, comments dropped). */
function stagesOf(content: string): Stage[] {
  const lines = content.split('\n');
  const instructions: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i];
    if (/^\s*(#|$)/.test(text)) continue;
    while (text.endsWith('\\') && i + 1 < lines.length) {
      i++;
      if (/^\s*#/.test(lines[i])) continue;
      text = `${text.slice(0, -1)} ${lines[i].trim()}`;
    }
    const m = /^\s*(\w+)\s*(.*)$/.exec(text)!;
    instructions.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: start + 1 });
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const [k, v = ''] = ins.args.split('=');
      args[k] = v;
    } else if (ins.keyword === 'FROM') {
      const [image, as, name] = ins.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      stages.push({ from: image.replace(/\$\{(\w+)\}/g, (_, k) => args[k] ?? ''), name: as?.toUpperCase() === 'AS' ? name : null, instructions: [] });
    } else if (stages.length > 0) stages[stages.length - 1].instructions.push(ins);
  }
  return stages;
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '');
  }
  return env;
}

function lint(content: string, kind: 'cpu' | 'gpu'): string[] {
  const problems = validate(content).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  const stages = stagesOf(content);
  if (stages.length < 2) return [...problems, 'not a multi-stage build'];
  const names = new Set(stages.map((s) => s.name).filter(Boolean));
  for (const s of stages) {
    if (!/:[\w.-]+$/.test(s.from) || /:latest$/.test(s.from)) if (!names.has(s.from)) problems.push(`FROM ${s.from}: pin a tag`);
    for (const i of s.instructions) {
      if (i.keyword === 'ADD') problems.push(`line ${i.line}: ADD (use COPY)`);
      if (i.keyword === 'WORKDIR' && !i.args.startsWith('/')) problems.push(`line ${i.line}: relative WORKDIR`);
      const from = /--from=(\S+)/.exec(i.args)?.[1];
      if (i.keyword === 'COPY' && from && !names.has(from)) problems.push(`line ${i.line}: COPY --from=${from} is not a stage`);
      if (i.keyword === 'RUN' && /apt-get install/.test(i.args)) {
        if (!/--no-install-recommends/.test(i.args)) problems.push(`line ${i.line}: apt-get install without --no-install-recommends`);
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(i.args)) problems.push(`line ${i.line}: apt lists left in the layer`);
      }
    }
  }
  const runtime = stages[stages.length - 1];
  const all = runtime.instructions;
  const installed = all.filter((i) => i.keyword === 'RUN' && /apt-get install/.test(i.args))
    .flatMap((i) => i.args.split(/apt-get install/)[1].split('&&')[0].split(/\s+/).filter((w) => w && !w.startsWith('-')));
  for (const tool of BUILD_ONLY) if (installed.includes(tool)) problems.push(`runtime stage installs the build-only tool ${tool}`);
  for (const needed of ['g++', 'libgomp1']) if (!installed.includes(needed)) problems.push(`runtime stage lacks ${needed} (networks are compiled on the worker)`);
  if (kind === 'gpu' && !/^nvidia\/cuda:.*-devel-/.test(runtime.from)) problems.push(`GPU runtime stage ${runtime.from} is not a CUDA devel image (nvcc)`);
  // Kernels are built on the worker from each backend's runtime headers, so the image must hold them.
  for (const backend of kind === 'gpu' ? ['openmp', 'serial', 'cuda'] : ['openmp', 'serial'])
    if (!all.some((i) => i.keyword === 'COPY' && i.args.includes(`backends/${backend}/runtime`))) problems.push(`runtime stage lacks backends/${backend}/runtime (the ${backend} backend's headers)`);
  if (kind === 'cpu' && !/^node:20[.-]/.test(runtime.from)) problems.push(`CPU runtime stage ${runtime.from} is not Node 20`);
  if (all.some((i) => i.keyword === 'COPY' && /node_modules/.test(i.args)) && !all.some((i) => i.keyword === 'COPY' && /--from=\S+ \S*dist\b/.test(i.args)))
    problems.push('runtime stage lacks the built dist/');
  if (!all.some((i) => i.keyword === 'COPY' && /spikesweep_native\.node/.test(i.args))) problems.push('runtime stage lacks the built addon');
  const user = all.filter((i) => i.keyword === 'USER').pop()?.args;
  if (!user) problems.push('runtime stage has no USER (runs as root)');
  else if (/^(root|0)(:|$)/.test(user)) problems.push(`runtime stage runs as ${user}`);
  const entry = all.filter((i) => i.keyword === 'ENTRYPOINT').pop()?.args;
  let argv: string[] = [];
  try { argv = JSON.parse(entry ?? ''); } catch { problems.push(`ENTRYPOINT ${entry} is not in JSON (exec) form: SIGTERM would not reach the worker`); }
  if (argv[0] === 'tini' && argv[1] === '--') argv = argv.slice(2);
  if (argv.length && JSON.stringify(argv) !== JSON.stringify(['node', 'bin/spikesweep.js', 'worker'])) problems.push(`ENTRYPOINT ${entry} is not spikesweep worker`);
  const env = envOf(runtime);
  for (const k of Object.keys(env)) if (k.startsWith('SPIKESWEEP_') && !Object.values(WORKER_ENV).includes(k as never) && !OTHER_WORKER_VARS.has(k))
    problems.push(`ENV ${k} is not a variable of spikesweep worker`);
  try {
    const options = workerOptionsFromEnv({}, env);
    if ((options.queue ?? 'cpu') !== kind) problems.push(`SPIKESWEEP_QUEUE ${options.queue} in the ${kind} image`);
    if (Number(env.OMP_NUM_THREADS) !== (options.threads ?? 1)) problems.push(`OMP_NUM_THREADS ${env.OMP_NUM_THREADS} ≠ SPIKESWEEP_THREADS ${options.threads ?? 1}`);
    const port = options.metrics?.split(':').pop();
    const exposed = all.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args);
    if (port && !exposed.includes(port)) problems.push(`metrics port ${port} not EXPOSEd`);
  } catch (error) {
    problems.push(`spikesweep worker rejects the image's environment: ${(error as Error).message}`);
  }
  const volumes = all.filter((i) => i.keyword === 'VOLUME').flatMap((i) => JSON.parse(i.args) as string[]);
  const cache = env.SPIKESWEEP_CACHE_DIR;
  if (!cache || !volumes.some((v) => cache === v || cache.startsWith(`${v}/`))) problems.push(`SPIKESWEEP_CACHE_DIR ${cache} is not on a VOLUME`);
  return problems;
}

before(async () => {
  const r = spawnSync('bash', [join(ROOT, 'scripts/install-k8s-tools.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/install-k8s-tools.sh failed:\n${r.stderr}`);
  ({ validate } = await import(pathToFileURL(join(TOOLS_NPM, 'node_modules/dockerfile-utils/lib/main.js')).href));
});

const files = { cpu: 'docker/Dockerfile.cpu', gpu: 'docker/Dockerfile.gpu' } as const;

describe('Dockerfiles', () => {
  for (const [kind, file] of Object.entries(files) as ['cpu' | 'gpu', string][]) {
    test(`${file}: lints clean`, () => {
      assert.deepEqual(lint(readFileSync(join(ROOT, file), 'utf8'), kind), []);
    });

    test(`${file}: the build stage copies every folder tsc compiles, and they exist`, () => {
      const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
      const build = stagesOf(readFileSync(join(ROOT, file), 'utf8')).find((s) => s.name === 'build')!;
      const copied = build.instructions.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from')).map((i) => i.args.split(/\s+/)[0]);
      for (const inc of tsconfig.include as string[]) {
        const top = inc.split('/')[0];
        assert.ok(copied.includes(top), `${file} does not copy ${top} (tsconfig include ${inc})`);
      }
      for (const src of copied) assert.ok(existsSync(join(ROOT, src)), `${file} copies ${src}, which does not exist`);
    });
  }

  test('.dockerignore keeps build outputs, caches and secrets out of the context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const p of ['.git', 'node_modules', 'dist', 'native/build', '.cache', 'out']) assert.ok(ignored.includes(p), p);
    for (const p of ['network', 'native', 'cli', 'worker', 'workflows', 'activities', 'bin']) assert.ok(!ignored.includes(p), p);
  });
});

describe('Dockerfile rules catch broken files', () => {
  const cpu = () => readFileSync(join(ROOT, files.cpu), 'utf8');
  const cases: [string, (s: string) => string, RegExp][] = [
    ['runs as root', (s) => s.replace('USER 10001:10001', 'USER root'), /runs as root/],
    ['no USER', (s) => s.replace('USER 10001:10001\n', ''), /no USER/],
    ['build tools in the runtime stage', (s) => s.replace('g++ libgomp1 tini', 'g++ libgomp1 tini cmake'), /build-only tool cmake/],
    ['no compiler at run time', (s) => s.replace('g++ libgomp1 tini', 'libgomp1 tini'), /lacks g\+\+/],
    ['shell-form ENTRYPOINT', (s) => s.replace('ENTRYPOINT ["tini", "--", "node", "bin/spikesweep.js", "worker"]', 'ENTRYPOINT node bin/spikesweep.js worker'), /JSON \(exec\) form/],
    ['another command', (s) => s.replace('"worker"]', '"server"]'), /is not spikesweep worker/],
    ['an unknown variable', (s) => s.replace('SPIKESWEEP_THREADS=1', 'SPIKESWEEP_THREAD=1'), /SPIKESWEEP_THREAD is not a variable/],
    ['a bad value', (s) => s.replace('SPIKESWEEP_QUEUE=cpu', 'SPIKESWEEP_QUEUE=cuda'), /rejects the image's environment/],
    ['OMP_NUM_THREADS ≠ threads', (s) => s.replace('OMP_NUM_THREADS=1', 'OMP_NUM_THREADS=4'), /OMP_NUM_THREADS 4/],
    ['cache not on a volume', (s) => s.replace('VOLUME ["/cache"]', 'VOLUME ["/data"]'), /not on a VOLUME/],
    ['single stage', (s) => s.slice(s.indexOf('FROM ${NODE_IMAGE} AS runtime')), /multi-stage/],
    ['unpinned base', (s) => s.replace('ARG NODE_IMAGE=node:20-bookworm-slim', 'ARG NODE_IMAGE=node:latest'), /pin a tag/],
    ['apt lists kept', (s) => s.replace(' \\\n && rm -rf /var/lib/apt/lists/*\nRUN groupadd', '\nRUN groupadd'), /apt lists left/],
    ['syntax error', (s) => s.replace('WORKDIR /app', 'WORKDIRR /app'), /Unknown instruction/],
  ];
  test('a GPU image without the cuda backend\'s runtime', () => {
    const gpu = readFileSync(join(ROOT, files.gpu), 'utf8');
    const broken = gpu.replace('COPY --from=build /app/backends/cuda/runtime backends/cuda/runtime\n', '');
    assert.notEqual(broken, gpu, 'the variant changed nothing');
    assert.ok(lint(broken, 'gpu').some((p) => /lacks backends\/cuda\/runtime/.test(p)));
  });
  for (const [name, breakIt, expected] of cases) {
    test(name, () => {
      const broken = breakIt(cpu());
      assert.notEqual(broken, cpu(), 'the variant changed nothing');
      const problems = lint(broken, 'cpu');
      assert.ok(problems.some((p) => expected.test(p)), `expected a problem matching ${expected}, got:\n${problems.join('\n')}`);
    });
  }
});
