// `npm run test:images`: docker/Dockerfile.cpu and Dockerfile.gpu built with podman on the local
// stand-in bases (scripts/images/build-bases.sh; a registry base is used instead when the build
// arguments name one), then checked as built and run:
// - the CPU image: no layer holds a build-only tool or a dev dependency; it runs as uid 10001, which
//   cannot write / or the app folder; the compile cache is on the declared volume;
// - `spikesweep worker` from the CPU image's root filesystem (chroot as uid 10001, the root read-only,
//   the Deployment's volumes writable, the Deployment's environment from the ConfigMap) runs a
//   4-run sweep submitted from the host, with spikesSha256 equal to the host build's same runs;
// - SIGTERM mid-run: the in-image worker finishes the run and exits 0 within the pod's grace;
// - the GPU image: its nvcc compiles a network's CUDA kernel library (running it needs a GPU);
// - image sizes within the targets of bench/README.md.
// Needs root and podman (scripts/images/build-bases.sh installs it). Minutes on a cold cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sweepIdOf } from '../../sweeps/ids.js';
import { loadSweepSpec } from '../../sweeps/spec.js';
import { runPaths } from '../../results/layout.js';
import { spikesweep, type CliResult } from '../helpers/cli.js';
import { CUBA, childPids, cliEnv, pendingRuns, readRuns, startWorker, waitFor, writeSweepFile, type RunRow } from '../helpers/sweep.js';
import { freePort, startTestTemporal, type TestTemporal } from '../helpers/temporal.js';
import { cpuWorkerPod } from './deployment.js';
import { buildImage, envOf, imageBytes, imageConfig, layerFiles, standInBases } from './podman.js';
import { openImageRoot, type ImageRoot, type PodRoot } from './rootfs.js';

const CPU_TAG = 'localhost/spikesweep-worker-cpu:test';
const GPU_TAG = 'localhost/spikesweep-worker-gpu:test';
/** bench/README.md "Images": the CPU image's size targets, in all and above its base. */
const CPU_IMAGE_MAX_BYTES = 800e6;
const CPU_LAYERS_MAX_BYTES = 500e6;
const USER = '10001:10001';
// Paths of tools the runtime stage must not carry, and of this project's dev tools (its other dev
// dependencies, @types/*, are also in the production tree as dependencies of dependencies).
const BUILD_ONLY = /^(usr\/(local\/)?bin\/(cmake|make|python3(\.\d+)?|git|curl|wget|go)$|app\/node_modules\/(typescript|tsx|fast-check)\/)/;

let dir: string;
let results: string;
let bases: Record<string, string>;
const buildMs: Record<string, number> = {};
let temporal: TestTemporal | null = null;
let cpu: ImageRoot | null = null;
let pod: PodRoot;
const pod0 = cpuWorkerPod();

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'spikesweep-images-'));
  chmodSync(dir, 0o755); // the submitter runs as uid 10001 and reads the sweep files here
  // The results volume is mounted in the pod at its host path (a workstation that mounts the volume
  // where the workers do, k8s/README.md step 8); not under /tmp, which is the pod's own emptyDir.
  results = mkdtempSync('/var/tmp/spikesweep-image-results-');
  spawnSync('chown', [USER, results]);
  bases = { ...standInBases(), ...Object.fromEntries(['NODE_IMAGE', 'CUDA_IMAGE'].filter((k) => process.env[k]).map((k) => [k, process.env[k]!])) };
  buildMs.cpu = buildImage('docker/Dockerfile.cpu', CPU_TAG, { NODE_IMAGE: bases.NODE_IMAGE });
});

after(async () => {
  cpu?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(results, { recursive: true, force: true });
});

/** A sweep file whose runs.parquet lands in the results volume; its id and folder. */
async function sweepFile(name: string, body: Record<string, unknown>) {
  const file = await writeSweepFile(dir, name, { name, network: CUBA, output: results, backend: 'openmp', threads: Number(pod0.env.SPIKESWEEP_THREADS), ...body });
  const spec = loadSweepSpec(file);
  const sweepId = sweepIdOf(spec.name, spec.specHash);
  return { file, sweepId, sweepDir: join(results, sweepId) };
}

/** `spikesweep sweep --json` from the host, as the submit Job's user (uid 10001), with its report. */
async function submit(file: string, address: string): Promise<{ result: CliResult; report: { status: string; runs: { total: number; completed: number; failed: number } } }> {
  const home = mkdtempSync(join(dir, 'home-'));
  spawnSync('chown', [USER, home]);
  const proc = spikesweep(['sweep', file, '--json'], cliEnv(address, { HOME: home }), 600_000, { uid: 10001, gid: 10001 });
  const result = await proc.done;
  assert.equal(result.code, 0, `spikesweep sweep failed:\n${result.stderr}\n${result.stdout}`);
  return { result, report: result.json as never };
}

/** The in-image worker: the image's ENTRYPOINT with the Deployment's args and environment. */
function imageWorker(address: string, metricsPort: number) {
  const config = imageConfig(CPU_TAG);
  const env = { ...envOf(config), ...pod0.env, TEMPORAL_ADDRESS: address, SPIKESWEEP_METRICS_ADDRESS: `127.0.0.1:${metricsPort}` };
  const child = pod.spawn([...config.Entrypoint, ...pod0.args], env);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-50_000)));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const ready = waitFor('the in-image worker to poll', () => {
    if (!alive()) throw new Error(`the in-image worker exited:\n${stderr}`);
    return stderr.includes('polling');
  }, 120_000, 100);
  /** SIGKILLs the worker and its run processes, then tini (which gives the worker a process group of its own). */
  const stop = async () => {
    if (!alive()) return;
    for (const pid of childPids(child.pid!)) process.kill(-pid, 'SIGKILL');
    child.kill('SIGKILL');
    await exited;
  };
  return { child, exited, ready, alive, stop, stderr: () => stderr };
}

describe('the CPU image (docker/Dockerfile.cpu)', () => {
  before(() => {
    cpu = openImageRoot(CPU_TAG);
    pod = cpu.asPod({ [pod0.mounts['compile-cache']]: null, [pod0.mounts.tmp]: null, [results]: results });
  });

  test('no layer holds a build-only tool or a dev dependency; g++ and libgomp are there', (t) => {
    const layers = layerFiles(CPU_TAG);
    const found = layers.flatMap((files, i) => files.filter((f) => BUILD_ONLY.test(f)).map((f) => `layer ${i}: ${f}`));
    assert.deepEqual(found, []);
    const all = new Set(layers.flat());
    assert.ok(all.has('usr/bin/g++'), 'g++ (networks are compiled on the worker)');
    assert.ok([...all].some((f) => /libgomp\.so\.1$/.test(f)), 'libgomp');
    t.diagnostic(`${layers.length} layers, ${all.size} paths`);
  });

  test('runs as uid 10001, which cannot write / or the app folder', () => {
    const config = imageConfig(CPU_TAG);
    assert.equal(config.User, USER);
    assert.equal(cpu!.runAsUser(['id', '-u']).stdout.trim(), '10001');
    const writes = (path: string) => cpu!.runAsUser(['sh', '-c', `touch ${path}/.probe && rm ${path}/.probe`]).status === 0;
    for (const path of ['', config.WorkingDir, `${config.WorkingDir}/dist`, `${config.WorkingDir}/node_modules`, '/usr/local/bin']) assert.equal(writes(path), false, `uid 10001 can write ${path || '/'}`);
    assert.equal(writes(envOf(config).SPIKESWEEP_CACHE_DIR), true, 'the image\'s own cache folder is the user\'s');
  });

  test('the compile cache path is the declared volume, which the Deployment mounts', () => {
    const config = imageConfig(CPU_TAG);
    const cache = envOf(config).SPIKESWEEP_CACHE_DIR;
    assert.deepEqual(Object.keys(config.Volumes ?? {}), ['/cache']);
    assert.ok(cache.startsWith('/cache/'), `SPIKESWEEP_CACHE_DIR ${cache}`);
    assert.equal(pod0.mounts['compile-cache'], '/cache');
    assert.equal(pod0.env.SPIKESWEEP_CACHE_DIR, cache);
  });

  describe('spikesweep worker inside the image', () => {
    before(async () => {
      temporal = await startTestTemporal();
    });

    test('runs a 4-run sweep submitted from the host: spikesSha256 equal to the host build\'s', { timeout: 900_000 }, async (t) => {
      const vary = { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights', 'projections.exc_inh.connector.weights'], values: [1.62, 2.0] }] };
      const body = { duration: 1000, vary, seeds: { policy: 'sequential', base: 0, count: 2 }, maxConcurrent: 2 };

      // The host build: the same runs, a worker from this checkout.
      const host = await sweepFile('host-build', body);
      const hostWorker = startWorker(temporal!.address, { concurrency: 1, threads: Number(pod0.env.SPIKESWEEP_THREADS) });
      let hostRuns: RunRow[];
      try {
        await hostWorker.ready;
        const { report } = await submit(host.file, temporal!.address);
        assert.deepEqual(report.runs, { total: 4, completed: 4, failed: 0 });
        hostRuns = await readRuns(host.sweepDir);
      } finally {
        await hostWorker.kill('SIGTERM');
      }

      const metricsPort = await freePort();
      const worker = imageWorker(temporal!.address, metricsPort);
      try {
        await worker.ready;
        const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        assert.equal(metrics.status, 200, 'the metrics endpoint answers');
        const image = await sweepFile('in-image', body);
        const started = Date.now();
        const { report } = await submit(image.file, temporal!.address);
        assert.equal(report.status, 'completed');
        assert.deepEqual(report.runs, { total: 4, completed: 4, failed: 0 });
        const runs = await readRuns(image.sweepDir);
        assert.deepEqual(runs.map((r) => [r.run, r.seed, r.we, r.status]), hostRuns.map((r) => [r.run, r.seed, r.we, 'completed']));
        for (const r of runs) assert.match(String(r.spikes_sha256), /^[0-9a-f]{64}$/);
        assert.deepEqual(runs.map((r) => r.spikes_sha256), hostRuns.map((r) => r.spikes_sha256));
        for (const r of runs) t.diagnostic(`run ${r.run} (we ${r.we}, seed ${r.seed}): ${r.spikes_sha256} in the image and on the host`);
        t.diagnostic(`in-image sweep: ${Date.now() - started} ms`);
        const kernels = readdirSync(join(pod.volumes['/cache'], 'kernels'));
        assert.ok(kernels.some((f) => f.endsWith('.so')), `kernels compiled into the cache volume: ${kernels.join(', ')}`);
      } finally {
        await worker.stop();
      }
    });

    test('SIGTERM mid-run: the worker finishes the run and exits 0 within the pod\'s termination grace', { timeout: 900_000 }, async (t) => {
      const graceMs = Number(pod0.env.SPIKESWEEP_SHUTDOWN_GRACE_MS);
      const podGraceMs = pod0.terminationGracePeriodSeconds * 1000;
      const s = await sweepFile('drain', { duration: 200_000, checkpointEvery: 20_000, vary: { grid: [{ name: 'we', paths: ['projections.exc_exc.connector.weights'], values: [1.62] }] }, seeds: { policy: 'list', values: [3] } });
      const committed = () => existsSync(runPaths(results, s.sweepId, 0).summary);
      const first = imageWorker(temporal!.address, await freePort());
      let second: ReturnType<typeof imageWorker> | null = null;
      try {
        await first.ready;
        const sweep = submit(s.file, temporal!.address);
        let submitted: unknown = null;
        sweep.catch((error) => (submitted = error));
        const { client } = await temporal!.client();
        await waitFor('the run to be in flight', async () => {
          if (submitted) throw submitted;
          return (await pendingRuns(client, `${s.sweepId}/runs-0-1`).catch(() => [])).some((p) => (p.details?.stepsDone ?? 0) > 0);
        }, 300_000, 100);
        assert.equal(committed(), false, 'the run is still in flight (make it longer if this fails)');
        const signalledAt = Date.now();
        first.child.kill('SIGTERM');
        const exit = await first.exited;
        const drainMs = exit.at - signalledAt;
        t.diagnostic(`SIGTERM → exit ${drainMs} ms (shutdown grace ${graceMs} ms, terminationGracePeriodSeconds ${pod0.terminationGracePeriodSeconds})`);
        assert.deepEqual([exit.code, exit.signal], [0, null], `the worker's exit; stderr:\n${first.stderr()}`);
        assert.match(first.stderr(), /draining/);
        assert.ok(committed(), `the in-flight run was committed before the worker exited; stderr:\n${first.stderr()}`);
        assert.ok(drainMs <= graceMs + 15_000 && drainMs < podGraceMs, `drain took ${drainMs} ms`);

        // The next pod takes the sweep's workflow over; the drained run is not run again.
        second = imageWorker(temporal!.address, await freePort());
        const { report } = await sweep;
        assert.deepEqual([report.status, report.runs.completed], ['completed', 1]);
        const [row] = await readRuns(s.sweepDir);
        assert.deepEqual([row.status, row.attempts, row.resumed_from_ms], ['completed', 1, 0]);
      } finally {
        await first.stop();
        await second?.stop();
      }
    });
  });
});

describe('the GPU image (docker/Dockerfile.gpu)', () => {
  let gpu: ImageRoot | null = null;
  after(() => gpu?.close());

  test('builds; its nvcc compiles a network\'s CUDA kernel library as uid 10001', { timeout: 3_600_000 }, (t) => {
    buildMs.gpu = buildImage('docker/Dockerfile.gpu', GPU_TAG, { NODE_IMAGE: bases.NODE_IMAGE, CUDA_IMAGE: bases.CUDA_IMAGE });
    gpu = openImageRoot(GPU_TAG);
    const gpuPod = gpu.asPod({ '/cache': null, '/tmp': null });
    assert.match(gpuPod.run(['nvcc', '--version']).stdout, /release 13\.0/);
    const script = `
      const { loadExperiment } = await import('/app/dist/network/experiment/index.js');
      const { buildIR } = await import('/app/dist/network/ir/ir.js');
      const { backendFor } = await import('/app/dist/backends/index.js');
      const { compileForGpu } = await import('/app/dist/backends/cuda/toolchain.js');
      const spec = (await loadExperiment('/app/examples/cuba.yaml')).network;
      const compiled = await compileForGpu(backendFor('cuda').generate(buildIR(spec)));
      console.log(JSON.stringify({ library: compiled.library, compiler: compiled.toolchain.compiler, ms: Math.round(compiled.compileMs) }));`;
    const r = gpuPod.run(['node', '--input-type=module', '-e', script]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { library: string; compiler: string; ms: number };
    assert.equal(out.compiler, '/usr/local/cuda/bin/nvcc');
    assert.ok(out.library.startsWith('/cache/kernels/'), out.library);
    const library = join(gpuPod.volumes['/cache'], out.library.slice('/cache/'.length));
    assert.equal(readFileSync(library).subarray(0, 4).toString('latin1'), '\x7fELF');
    t.diagnostic(`kernel library compiled in the image in ${out.ms} ms`);
  });
});

describe('image sizes (bench/README.md "Images")', () => {
  test(`the CPU image is within ${CPU_IMAGE_MAX_BYTES / 1e6} MB, ${CPU_LAYERS_MAX_BYTES / 1e6} MB above its base`, (t) => {
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
    const sizes = { cpu: imageBytes(CPU_TAG), gpu: imageBytes(GPU_TAG), node: imageBytes(bases.NODE_IMAGE), cuda: imageBytes(bases.CUDA_IMAGE) };
    t.diagnostic(`CPU image ${mb(sizes.cpu)} (base ${mb(sizes.node)}), GPU image ${mb(sizes.gpu)} (base ${mb(sizes.cuda)}); builds: CPU ${buildMs.cpu} ms, GPU ${buildMs.gpu} ms; bases ${JSON.stringify(bases)}`);
    assert.ok(sizes.cpu <= CPU_IMAGE_MAX_BYTES, `CPU image ${mb(sizes.cpu)}`);
    assert.ok(sizes.cpu - sizes.node <= CPU_LAYERS_MAX_BYTES, `CPU image ${mb(sizes.cpu - sizes.node)} above its base`);
  });
});
