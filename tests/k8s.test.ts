// k8s/: every overlay rendered with kustomize and validated against the Kubernetes and KEDA schemas
// (kubernetes-models, @kubernetes-models/keda), then checked for the deployment's invariants:
// non-root and locked-down containers, requests = limits, GPU limits only on GPU pods, threads =
// OMP_NUM_THREADS = CPU limit, worker flags and variables that `spikesweep worker` accepts (its own
// parser, WORKER_OPTIONS / WORKER_ENV), drain time, Prometheus annotations, ScaledObjects on the
// right task queue and Deployment, NetworkPolicy egress, search attributes of the contract.
// Deliberately broken variants must fail the same checks. Tools: scripts/install-k8s-tools.sh.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, test } from 'node:test';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { buildProgram, type CliHandlers } from '../cli/index.js';
import { workerOptionsFromEnv } from '../cli/commands/worker.js';
import type { WorkerCliOptions } from '../cli/options.js';
import { contractSearchAttributes, searchAttributeFlags } from '../sweeps/temporal/search-attributes.js';
import { loadSweepSpec } from '../sweeps/spec.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, WORKER_ENV } from '../worker/settings.js';
import { TASK_QUEUES, type QueueKind } from '../workflows/contract.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const ROOT = new URL('..', import.meta.url).pathname;
const TOOLS_BIN = process.env.SPIKESWEEP_TOOLS_DIR ?? join(homedir(), '.cache', 'spikesweep', 'bin');
const TOOLS_NPM = process.env.SPIKESWEEP_K8S_TOOLS_DIR ?? join(homedir(), '.cache', 'spikesweep', 'k8s-tools');
/** The SDK stops waiting this long after the grace time (worker/create-worker.ts shutdownForceExtraMs default). */
const SHUTDOWN_FORCE_EXTRA_MS = 15_000;
/**
 * SPIKESWEEP_* variables a worker container may set besides WORKER_ENV: read by the activities
 * (SPIKESWEEP_CACHE_DIR, activities/index.ts) and the worker command (SPIKESWEEP_LOG_LEVEL).
 */
const OTHER_WORKER_VARS = new Set(['SPIKESWEEP_CACHE_DIR', 'SPIKESWEEP_LOG_LEVEL']);

function installTools(): void {
  const r = spawnSync('bash', [join(ROOT, 'scripts/install-k8s-tools.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/install-k8s-tools.sh failed:\n${r.stderr}`);
}

function kustomize(dir: string): Obj[] {
  const r = spawnSync(join(TOOLS_BIN, 'kustomize'), ['build', join(ROOT, dir)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kustomize build ${dir} failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((o) => o);
}

// ------------------------------------------------------------------------------------------------
// Schema validation: kubernetes-models/<group>/<version>/<Kind>.js, @kubernetes-models/keda/keda.sh/…
// ------------------------------------------------------------------------------------------------
const modelCache = new Map<string, Obj>();
async function modelOf(apiVersion: string, kind: string): Promise<Obj> {
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const file = group === 'keda.sh'
      ? join(TOOLS_NPM, 'node_modules/@kubernetes-models/keda/keda.sh', version, `${kind}.js`)
      : join(TOOLS_NPM, 'node_modules/kubernetes-models', group === '' ? version : `${group}/${version}`, `${kind}.js`);
    const mod = await import(pathToFileURL(file).href);
    modelCache.set(key, mod[kind]);
  }
  return modelCache.get(key);
}

async function schemaProblems(objects: Obj[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of objects) {
    const where = `${o.kind}/${o.metadata?.name}`;
    let Model: Obj;
    try {
      Model = await modelOf(o.apiVersion, o.kind);
    } catch {
      problems.push(`${where}: no schema for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (error) {
      problems.push(`${where}: schema: ${(error as Error).message}`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------
// Invariants
// ------------------------------------------------------------------------------------------------
const GPU = 'nvidia.com/gpu';
const WORKER_ENTRYPOINT = ['node', 'bin/spikesweep.js', 'worker'];

/** The options `spikesweep worker` would receive from these arguments, through the CLI's own parser. */
async function parseWorkerArgs(args: string[]): Promise<WorkerCliOptions> {
  let got: WorkerCliOptions | null = null;
  const fail = async () => { throw new Error('not the worker command'); };
  const handlers: CliHandlers = { run: fail, tree: fail, server: fail, sweep: fail, status: fail, cancel: fail, results: fail, report: fail, worker: async (o) => { got = o; return 0; } };
  const { program } = buildProgram(handlers);
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await program.parseAsync(['node', 'spikesweep', 'worker', ...args]);
  if (got === null) throw new Error('the worker command did not run');
  return got;
}

function quantity(q: unknown): number {
  const s = String(q);
  const m = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(s);
  if (!m) return Number.NaN;
  const scale: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? scale[m[2]] : 1);
}

function podTemplates(objects: Obj[]): { owner: Obj; spec: Obj; meta: Obj }[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => ({ owner: o, spec: o.spec?.template?.spec ?? {}, meta: o.spec?.template?.metadata ?? {} }));
}

/** env of a container with ConfigMap references resolved from the rendered ConfigMaps. */
function resolvedEnv(container: Obj, objects: Obj[], problems: string[], where: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === ref.name);
      if (!cm || cm.data?.[ref.key] === undefined) problems.push(`${where}: env ${e.name} refers to missing ConfigMap key ${ref.name}/${ref.key}`);
      else env[e.name] = String(cm.data[ref.key]);
    }
  }
  return env;
}

function configOf(objects: Obj[]): Record<string, string> {
  return objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'spikesweep-config')?.data ?? {};
}

/** Containers: non-root, locked down, requests = limits. For every pod template. */
function containerProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  for (const { owner, spec } of podTemplates(objects)) {
    const where = `${owner.kind}/${owner.metadata.name}`;
    const pod = spec.securityContext ?? {};
    if (pod.runAsUser === 0) problems.push(`${where}: pod runs as root (runAsUser 0)`);
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      const at = `${where} container ${c.name}`;
      const sc = c.securityContext;
      if (!sc) {
        problems.push(`${at}: missing securityContext`);
      } else {
        if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${at}: securityContext.runAsNonRoot is not true`);
        if ((sc.runAsUser ?? pod.runAsUser) === 0) problems.push(`${at}: runs as root (runAsUser 0)`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: securityContext.allowPrivilegeEscalation is not false`);
        if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: securityContext.readOnlyRootFilesystem is not true`);
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: securityContext.capabilities.drop lacks ALL`);
        if (sc.privileged === true) problems.push(`${at}: privileged`);
      }
      if ((pod.seccompProfile ?? sc?.seccompProfile)?.type !== 'RuntimeDefault') problems.push(`${at}: no RuntimeDefault seccompProfile`);
      const { requests = {}, limits = {} } = c.resources ?? {};
      if (Object.keys(limits).length === 0) problems.push(`${at}: no resource limits`);
      for (const k of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
        if (requests[k] === undefined || limits[k] === undefined || quantity(requests[k]) !== quantity(limits[k]))
          problems.push(`${at}: requests ≠ limits for ${k} (${requests[k]} vs ${limits[k]})`);
      }
      // A read-only root filesystem needs /tmp writable (g++ writes its temporaries there).
      const tmp = (c.volumeMounts ?? []).find((m: Obj) => m.mountPath === '/tmp');
      if (sc?.readOnlyRootFilesystem === true && (!tmp || tmp.readOnly)) problems.push(`${at}: read-only root filesystem without a writable /tmp volume`);
    }
  }
  return problems;
}

interface WorkerPool { deployment: Obj; container: Obj; queue: QueueKind; options: WorkerCliOptions; env: Record<string, string> }

/** Worker Deployments: the command, flags and variables `spikesweep worker` accepts, threads, GPU, drain, metrics. */
async function workerProblems(objects: Obj[]): Promise<{ problems: string[]; pools: WorkerPool[] }> {
  const problems: string[] = [];
  const pools: WorkerPool[] = [];
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const where = `Deployment/${d.metadata.name}`;
    const spec = d.spec.template.spec;
    const c = spec.containers?.[0];
    if (!c) { problems.push(`${where}: no container`); continue; }
    // The image's ENTRYPOINT is `tini -- node bin/spikesweep.js worker` (tests/docker.test.ts); a command here must be the same.
    if (c.command !== undefined) {
      const cmd = c.command[0] === 'tini' && c.command[1] === '--' ? c.command.slice(2) : c.command;
      if (JSON.stringify(cmd) !== JSON.stringify(WORKER_ENTRYPOINT)) problems.push(`${where}: command ${JSON.stringify(c.command)} is not spikesweep worker`);
    }
    const env = resolvedEnv(c, objects, problems, where);
    for (const name of Object.keys(env)) {
      if (name.startsWith('SPIKESWEEP_') && !Object.values(WORKER_ENV).includes(name as never) && !OTHER_WORKER_VARS.has(name))
        problems.push(`${where}: env ${name} is not a variable of spikesweep worker (worker/settings.ts WORKER_ENV)`);
    }
    let options: WorkerCliOptions;
    try {
      options = workerOptionsFromEnv(await parseWorkerArgs((c.args ?? []).map(String)), env);
    } catch (error) {
      problems.push(`${where}: spikesweep worker rejects args ${JSON.stringify(c.args ?? [])} / env: ${(error as Error).message}`);
      continue;
    }
    const queue = options.queue ?? 'cpu';
    const threads = options.threads ?? 1;
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? {};
    if (env.OMP_NUM_THREADS === undefined || Number(env.OMP_NUM_THREADS) !== threads)
      problems.push(`${where}: OMP_NUM_THREADS ${env.OMP_NUM_THREADS} ≠ the worker's threads ${threads}`);
    if (quantity(limits.cpu) !== threads) problems.push(`${where}: CPU limit ${limits.cpu} ≠ the worker's threads ${threads}`);
    const concurrency = options.concurrency;
    if (concurrency === undefined) problems.push(`${where}: SPIKESWEEP_CONCURRENCY / --concurrency not set (the default counts the node's cores, not the pod's)`);
    else if (concurrency * threads > quantity(limits.cpu)) problems.push(`${where}: concurrency × threads (${concurrency} × ${threads}) exceeds the CPU limit ${limits.cpu}`);
    const gpuLimit = limits[GPU] !== undefined || requests[GPU] !== undefined;
    const gpuToleration = (spec.tolerations ?? []).some((t: Obj) => t.key === GPU);
    if (queue === 'gpu') {
      if (quantity(limits[GPU]) !== 1) problems.push(`${where}: GPU worker without a ${GPU} limit of 1 (one run per GPU)`);
      if (concurrency !== 1) problems.push(`${where}: GPU worker runs ${concurrency} at once (one run per GPU)`);
      if (!gpuToleration) problems.push(`${where}: GPU worker without the ${GPU} toleration`);
      if (!spec.nodeSelector || Object.keys(spec.nodeSelector).length === 0) problems.push(`${where}: GPU worker without a node selector`);
    } else {
      if (gpuLimit) problems.push(`${where}: GPU limit on a CPU worker (${GPU} on queue ${queue})`);
      if (gpuToleration) problems.push(`${where}: GPU toleration on a CPU worker`);
    }
    // Drain: grace for the runs + the SDK's extra wait, inside the pod's termination grace period.
    const graceMs = options.shutdownGrace ?? DEFAULT_SHUTDOWN_GRACE_MS;
    const tgps = spec.terminationGracePeriodSeconds ?? 30;
    if (tgps * 1000 <= graceMs + SHUTDOWN_FORCE_EXTRA_MS)
      problems.push(`${where}: terminationGracePeriodSeconds ${tgps} ≤ shutdown grace ${graceMs} ms + ${SHUTDOWN_FORCE_EXTRA_MS} ms`);
    // Compile cache: SPIKESWEEP_CACHE_DIR on a writable volume (the root filesystem is read-only).
    const cacheDir = env.SPIKESWEEP_CACHE_DIR;
    const cacheMount = (c.volumeMounts ?? []).find((m: Obj) => cacheDir !== undefined && (cacheDir === m.mountPath || cacheDir.startsWith(`${m.mountPath}/`)));
    if (!cacheMount || cacheMount.readOnly) problems.push(`${where}: SPIKESWEEP_CACHE_DIR ${cacheDir} is not on a writable volume`);
    // Metrics: the address the worker serves, a container port and the scrape annotations agree.
    const port = options.metrics ? Number(options.metrics.split(':').pop()) : null;
    const ann = d.spec.template.metadata?.annotations ?? {};
    if (port === null) problems.push(`${where}: no metrics address (SPIKESWEEP_METRICS_ADDRESS / --metrics)`);
    else {
      if (!options.metrics!.startsWith('0.0.0.0:')) problems.push(`${where}: metrics address ${options.metrics} is not reachable from Prometheus (bind 0.0.0.0)`);
      if (ann['prometheus.io/scrape'] !== 'true') problems.push(`${where}: no prometheus.io/scrape annotation`);
      if (ann['prometheus.io/port'] !== String(port)) problems.push(`${where}: prometheus.io/port ${ann['prometheus.io/port']} ≠ metrics port ${port}`);
      if (ann['prometheus.io/path'] !== '/metrics') problems.push(`${where}: prometheus.io/path is not /metrics`);
      if (!(c.ports ?? []).some((p: Obj) => p.containerPort === port)) problems.push(`${where}: no containerPort ${port}`);
    }
    // Results: the shared RWX claim.
    const claims = (spec.volumes ?? []).filter((v: Obj) => v.persistentVolumeClaim).map((v: Obj) => v.persistentVolumeClaim.claimName);
    for (const claim of claims) {
      const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim);
      if (!pvc) problems.push(`${where}: PersistentVolumeClaim ${claim} is not in the overlay`);
      else if (!(pvc.spec.accessModes ?? []).includes('ReadWriteMany')) problems.push(`${where}: results claim ${claim} is not ReadWriteMany`);
    }
    if (claims.length === 0) problems.push(`${where}: no results volume`);
    if (!objects.some((o) => o.kind === 'PodDisruptionBudget' && matches(o.spec.selector?.matchLabels, d.spec.template.metadata.labels)))
      problems.push(`${where}: no PodDisruptionBudget`);
    pools.push({ deployment: d, container: c, queue, options, env });
  }
  return { problems, pools };
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return !!selector && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function scaledObjectProblems(objects: Obj[], pools: WorkerPool[]): string[] {
  const problems: string[] = [];
  const config = configOf(objects);
  const scaled = objects.filter((o) => o.kind === 'ScaledObject');
  for (const pool of pools) {
    const name = pool.deployment.metadata.name;
    const mine = scaled.filter((s) => s.spec.scaleTargetRef?.name === name);
    if (mine.length !== 1) { problems.push(`Deployment/${name}: ${mine.length} ScaledObjects target it (want 1)`); continue; }
    const so = mine[0];
    const where = `ScaledObject/${so.metadata.name}`;
    if ((so.spec.scaleTargetRef.kind ?? 'Deployment') !== 'Deployment') problems.push(`${where}: scaleTargetRef is not a Deployment`);
    if (so.spec.minReplicaCount !== 0) problems.push(`${where}: minReplicaCount ${so.spec.minReplicaCount} (want 0: scale to zero when idle)`);
    const triggers = so.spec.triggers ?? [];
    for (const t of triggers) {
      const m = t.metadata ?? {};
      if (t.type !== 'temporal') problems.push(`${where}: trigger type ${t.type} (want temporal)`);
      if (m.taskQueue !== TASK_QUEUES[pool.queue]) problems.push(`${where}: taskQueue ${m.taskQueue} ≠ ${TASK_QUEUES[pool.queue]} (the queue of ${name})`);
      if (!m.queueTypes) problems.push(`${where}: queueTypes not set explicitly`);
      if (m.endpoint !== config.TEMPORAL_ADDRESS) problems.push(`${where}: endpoint ${m.endpoint} ≠ TEMPORAL_ADDRESS ${config.TEMPORAL_ADDRESS}`);
      if ((m.namespace ?? 'default') !== (config.TEMPORAL_NAMESPACE ?? 'default')) problems.push(`${where}: namespace ${m.namespace} ≠ TEMPORAL_NAMESPACE ${config.TEMPORAL_NAMESPACE}`);
      if (t.authenticationRef && !objects.some((o) => o.kind === 'TriggerAuthentication' && o.metadata.name === t.authenticationRef.name))
        problems.push(`${where}: TriggerAuthentication ${t.authenticationRef.name} is not in the overlay`);
    }
    const activity = triggers.find((t: Obj) => t.metadata?.queueTypes === 'activity');
    if (!activity) problems.push(`${where}: no trigger with queueTypes: activity`);
    else if (Number(activity.metadata.targetQueueSize) !== pool.options.concurrency)
      problems.push(`${where}: activity targetQueueSize ${activity.metadata.targetQueueSize} ≠ the pod's concurrency ${pool.options.concurrency}`);
  }
  for (const so of scaled) {
    if (!pools.some((p) => p.deployment.metadata.name === so.spec.scaleTargetRef?.name))
      problems.push(`ScaledObject/${so.metadata.name}: targets ${so.spec.scaleTargetRef?.name}, not a worker Deployment of the overlay`);
  }
  return problems;
}

function networkPolicyProblems(objects: Obj[]): string[] {
  const problems: string[] = [];
  const config = configOf(objects);
  const temporalPort = Number(String(config.TEMPORAL_ADDRESS ?? '').split(':').pop());
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  for (const { owner, meta } of podTemplates(objects)) {
    if (!policies.some((p) => matches(p.spec.podSelector?.matchLabels, meta.labels) && (p.spec.policyTypes ?? []).includes('Egress')))
      problems.push(`${owner.kind}/${owner.metadata.name}: no NetworkPolicy restricts its egress`);
  }
  for (const p of policies) {
    const where = `NetworkPolicy/${p.metadata.name}`;
    let dns = false;
    let temporal = false;
    for (const rule of p.spec.egress ?? []) {
      const ports: Obj[] = rule.ports ?? [];
      if (ports.length === 0) { problems.push(`${where}: an egress rule allows every port`); continue; }
      if (ports.every((x) => x.port === 53)) dns = true;
      else if (ports.every((x) => x.port === temporalPort && (x.protocol ?? 'TCP') === 'TCP') && (rule.to ?? []).length > 0) temporal = true;
      else problems.push(`${where}: egress to ports ${ports.map((x) => x.port).join(', ')} is neither Temporal (${temporalPort}) nor DNS`);
    }
    if (!dns) problems.push(`${where}: no DNS egress`);
    if (!temporal) problems.push(`${where}: no egress to Temporal on ${temporalPort}`);
  }
  return problems;
}

async function allProblems(objects: Obj[]): Promise<string[]> {
  const { problems, pools } = await workerProblems(objects);
  return [
    ...(await schemaProblems(objects)),
    ...containerProblems(objects),
    ...problems,
    ...scaledObjectProblems(objects, pools),
    ...networkPolicyProblems(objects),
  ];
}

// ------------------------------------------------------------------------------------------------
const OVERLAYS = readdirSync(join(ROOT, 'k8s/overlays')).sort();
const rendered = new Map<string, Obj[]>();

before(() => {
  installTools();
  for (const o of OVERLAYS) rendered.set(o, kustomize(`k8s/overlays/${o}`));
});

describe('k8s overlays', () => {
  test('the overlays are cpu, gpu, mtls and api-key', () => {
    assert.deepEqual(OVERLAYS, ['api-key', 'cpu', 'gpu', 'mtls']);
  });

  for (const overlay of OVERLAYS) {
    test(`${overlay}: renders, validates against the Kubernetes/KEDA schemas and keeps every invariant`, async () => {
      const objects = rendered.get(overlay)!;
      assert.ok(objects.length > 0);
      assert.deepEqual(await allProblems(objects), []);
      const queues = objects.filter((o) => o.kind === 'Deployment').map((d) => d.spec.template.spec.containers[0].args[1]).sort();
      assert.deepEqual(queues, overlay === 'cpu' ? ['cpu'] : ['cpu', 'gpu']);
      for (const o of objects) if (o.kind !== 'Namespace') assert.equal(o.metadata.namespace, 'spikesweep', `${o.kind}/${o.metadata.name}`);
    });
  }

  test('mtls and api-key: the workers get Temporal TLS settings from a Secret, KEDA through a TriggerAuthentication', () => {
    const mtls = rendered.get('mtls')!;
    for (const d of mtls.filter((o) => o.kind === 'Deployment')) {
      const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: Obj) => [e.name, e.value]));
      assert.equal(env.TEMPORAL_TLS_CLIENT_CERT_PATH, '/etc/spikesweep/temporal-tls/tls.crt');
      assert.ok(d.spec.template.spec.volumes.some((v: Obj) => v.secret?.secretName === 'spikesweep-temporal-tls'));
    }
    const apiKey = rendered.get('api-key')!;
    for (const d of apiKey.filter((o) => o.kind === 'Deployment')) {
      const e = d.spec.template.spec.containers[0].env.find((x: Obj) => x.name === 'TEMPORAL_API_KEY');
      assert.equal(e.valueFrom.secretKeyRef.name, 'spikesweep-temporal-api-key');
    }
    for (const objects of [mtls, apiKey]) for (const so of objects.filter((o) => o.kind === 'ScaledObject'))
      for (const t of so.spec.triggers) assert.ok(t.authenticationRef?.name, `${so.metadata.name} trigger without authenticationRef`);
  });
});

describe('k8s invariants catch broken manifests', () => {
  const gpu = () => structuredClone(rendered.get('gpu')!) as Obj[];
  const deployment = (objects: Obj[], queue: QueueKind) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `spikesweep-worker-${queue}`);
  const container = (objects: Obj[], queue: QueueKind) => deployment(objects, queue).spec.template.spec.containers[0];
  const cases: [string, (objects: Obj[]) => void, RegExp][] = [
    ['GPU limit in the CPU deployment', (o) => { const r = container(o, 'cpu').resources; r.limits[GPU] = 1; r.requests[GPU] = 1; }, /GPU limit on a CPU worker/],
    ['missing securityContext', (o) => { delete container(o, 'cpu').securityContext; }, /missing securityContext/],
    ['root filesystem writable', (o) => { container(o, 'gpu').securityContext.readOnlyRootFilesystem = false; }, /readOnlyRootFilesystem is not true/],
    ['capabilities kept', (o) => { delete container(o, 'cpu').securityContext.capabilities; }, /capabilities.drop lacks ALL/],
    ['privilege escalation allowed', (o) => { container(o, 'cpu').securityContext.allowPrivilegeEscalation = true; }, /allowPrivilegeEscalation/],
    ['runs as root', (o) => { const d = deployment(o, 'cpu'); d.spec.template.spec.securityContext.runAsNonRoot = false; delete container(o, 'cpu').securityContext.runAsNonRoot; }, /runAsNonRoot is not true/],
    ['requests ≠ limits', (o) => { container(o, 'cpu').resources.requests.cpu = '2'; }, /requests ≠ limits for cpu/],
    ['GPU deployment without a GPU', (o) => { const r = container(o, 'gpu').resources; delete r.limits[GPU]; delete r.requests[GPU]; }, /without a nvidia.com\/gpu limit/],
    ['OMP_NUM_THREADS ≠ threads', (o) => { container(o, 'cpu').env.find((e: Obj) => e.name === 'OMP_NUM_THREADS').valueFrom = undefined; container(o, 'cpu').env.find((e: Obj) => e.name === 'OMP_NUM_THREADS').value = '8'; }, /OMP_NUM_THREADS 8/],
    ['CPU limit ≠ threads', (o) => { const r = container(o, 'cpu').resources; r.limits.cpu = '8'; r.requests.cpu = '8'; }, /CPU limit 8 ≠ the worker's threads 4/],
    ['a flag spikesweep worker does not know', (o) => { container(o, 'cpu').args = ['--queue', 'cpu', '--thread', '4']; }, /rejects args/],
    ['a bad flag value', (o) => { container(o, 'cpu').args = ['--queue', 'cuda']; }, /rejects args/],
    ['a variable spikesweep worker does not read', (o) => { container(o, 'cpu').env.push({ name: 'SPIKESWEEP_THREAD', value: '4' }); }, /SPIKESWEEP_THREAD is not a variable/],
    ['a command other than spikesweep worker', (o) => { container(o, 'cpu').command = ['node', 'bin/spikesweep.js', 'server']; }, /is not spikesweep worker/],
    ['termination grace shorter than the drain', (o) => { deployment(o, 'gpu').spec.template.spec.terminationGracePeriodSeconds = 60; }, /terminationGracePeriodSeconds 60/],
    ['cache on the read-only root filesystem', (o) => { container(o, 'cpu').env.find((e: Obj) => e.name === 'SPIKESWEEP_CACHE_DIR').value = '/app/cache'; }, /SPIKESWEEP_CACHE_DIR \/app\/cache is not on a writable volume/],
    ['Prometheus port ≠ metrics port', (o) => { deployment(o, 'cpu').spec.template.metadata.annotations['prometheus.io/port'] = '9090'; }, /prometheus.io\/port 9090/],
    ['ScaledObject on the wrong queue', (o) => { o.find((x) => x.kind === 'ScaledObject' && x.metadata.name === 'spikesweep-worker-gpu').spec.triggers[0].metadata.taskQueue = 'spikesweep-cpu'; }, /taskQueue spikesweep-cpu ≠ spikesweep-gpu/],
    ['ScaledObject on the wrong Deployment', (o) => { o.find((x) => x.kind === 'ScaledObject' && x.metadata.name === 'spikesweep-worker-gpu').spec.scaleTargetRef.name = 'spikesweep-worker-cpu'; }, /2 ScaledObjects target it/],
    ['ScaledObject without queueTypes', (o) => { delete o.find((x) => x.kind === 'ScaledObject').spec.triggers[0].metadata.queueTypes; }, /queueTypes not set explicitly/],
    ['no scale to zero', (o) => { o.find((x) => x.kind === 'ScaledObject').spec.minReplicaCount = 1; }, /minReplicaCount 1/],
    ['egress to the internet', (o) => { o.find((x) => x.kind === 'NetworkPolicy').spec.egress.push({ ports: [{ port: 443, protocol: 'TCP' }] }); }, /egress to ports 443/],
    ['results volume not ReadWriteMany', (o) => { o.find((x) => x.kind === 'PersistentVolumeClaim').spec.accessModes = ['ReadWriteOnce']; }, /not ReadWriteMany/],
    ['schema: a malformed quantity', (o) => { const r = container(o, 'cpu').resources; r.limits.memory = 'lots'; r.requests.memory = 'lots'; }, /schema: .*memory/],
    ['schema: a ScaledObject without triggers', (o) => { delete o.find((x) => x.kind === 'ScaledObject').spec.triggers; }, /schema: .*triggers/],
  ];
  for (const [name, breakIt, expected] of cases) {
    test(name, async () => {
      const objects = gpu();
      breakIt(objects);
      const problems = await allProblems(objects);
      assert.ok(problems.some((p) => expected.test(p)), `expected a problem matching ${expected}, got:\n${problems.join('\n')}`);
    });
  }
});

describe('sweep submission Job', () => {
  test('renders, validates, keeps the container invariants and submits a valid sweep to the shared results folder', async () => {
    const objects = kustomize('k8s/jobs/submit-sweep');
    assert.deepEqual([...(await schemaProblems(objects)), ...containerProblems(objects)], []);
    const job = objects.find((o) => o.kind === 'Job');
    const c = job.spec.template.spec.containers[0];
    const cmd = c.command[0] === 'tini' ? c.command.slice(2) : c.command;
    assert.deepEqual([...cmd, ...c.args], ['node', 'bin/spikesweep.js', 'sweep', '/sweeps/sweep.yaml', '--detach']);
    // The Job's pods fall under the workers' NetworkPolicy, and its config comes from the same ConfigMap.
    const base = rendered.get('cpu')!;
    assert.ok(base.some((p) => p.kind === 'NetworkPolicy' && matches(p.spec.podSelector.matchLabels, job.spec.template.metadata.labels)));
    const problems: string[] = [];
    resolvedEnv(c, base, problems, 'Job');
    assert.deepEqual(problems, []);
    // The sweep: valid (with the image's /app/examples mapped to this checkout), results on the workers' /data volume, threads = the CPU pool's.
    const cm = objects.find((o) => o.kind === 'ConfigMap');
    const text = cm.data['sweep.yaml'] as string;
    const sweep = parseYaml(text);
    const workers = base.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    const dataMount = workers.volumeMounts.find((m: Obj) => m.name === 'results').mountPath;
    assert.ok(sweep.output.startsWith(`${dataMount}/`), `output ${sweep.output} is not on the results volume ${dataMount}`);
    // The Job writes the network spec into the sweep's output folder: the workers' claim, read-write, at their path.
    const claimOf = (pod: Obj, mount: Obj) => pod.volumes.find((v: Obj) => v.name === mount.name)?.persistentVolumeClaim?.claimName;
    const workerPod = base.find((o) => o.kind === 'Deployment').spec.template.spec;
    const jobMount = c.volumeMounts.find((m: Obj) => m.mountPath === dataMount);
    assert.ok(jobMount && !jobMount.readOnly, `the Job mounts nothing writable at ${dataMount}`);
    const claim = claimOf(workerPod, workers.volumeMounts.find((m: Obj) => m.name === 'results'));
    assert.ok(claim, 'the workers mount a claim at their results path');
    assert.equal(claimOf(job.spec.template.spec, jobMount), claim);
    assert.equal(String(sweep.threads), configOf(base)['cpu-threads']);
    const dir = mkdtempSync(join(tmpdir(), 'spikesweep-k8s-'));
    try {
      const file = join(dir, 'sweep.yaml');
      writeFileSync(file, text.replace('/app/examples/', join(ROOT, 'examples/')));
      const spec = loadSweepSpec(file);
      assert.equal(spec.output, sweep.output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Temporal', () => {
  test('the search-attribute Job registers every attribute of workflows/contract.ts in the workers\' namespace', async () => {
    const job = parseYaml(readFileSync(join(ROOT, 'k8s/temporal/register-search-attributes.yaml'), 'utf8'));
    assert.deepEqual([...(await schemaProblems([job])), ...containerProblems([job])], []);
    const c = job.spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value]));
    const wanted = searchAttributeFlags(contractSearchAttributes()).filter((_, i) => i % 2 === 1);
    assert.deepEqual(String(env.ATTRIBUTES).trim().split(/\s+/), wanted);
    const config = configOf(rendered.get('cpu')!);
    assert.equal(env.TEMPORAL_ADDRESS, config.TEMPORAL_ADDRESS);
    assert.equal(env.TEMPORAL_NAMESPACE, config.TEMPORAL_NAMESPACE);
    assert.match(c.args[0], /temporal operator search-attribute create --name "\$name" --type "\$type"/);
  });

  test('values.yaml: PostgreSQL for history and visibility, the workers\' namespace created, Web UI on, no bundled stores', () => {
    const values = parseYaml(readFileSync(join(ROOT, 'k8s/temporal/values.yaml'), 'utf8'));
    const p = values.server.config.persistence;
    for (const store of [p.defaultStore, p.visibilityStore]) {
      assert.equal(p.datastores[store].sql.pluginName, 'postgres12');
      assert.ok(p.datastores[store].sql.existingSecret, `${store}: password from a Secret`);
    }
    const config = configOf(rendered.get('cpu')!);
    assert.ok(values.server.config.namespaces.create);
    assert.ok(values.server.config.namespaces.namespace.some((n: Obj) => n.name === config.TEMPORAL_NAMESPACE));
    assert.equal(config.TEMPORAL_ADDRESS, 'temporal-frontend.temporal.svc.cluster.local:7233');
    assert.equal(values.web.enabled, true);
    for (const bundled of ['cassandra', 'mysql', 'elasticsearch', 'prometheus', 'grafana']) assert.equal(values[bundled].enabled, false, bundled);
  });
});
