// A sweep file (YAML), or the same fields as an object (the sweep API), → the validated pieces of a
// SweepInput: the network (a path relative to the sweep file, or inline — a network spec, e.g.
// `net.toSpec()`, or a nets-style experiment), its protocol or a duration, the plan (grid / zip /
// sample axes over parameter paths, and a seed policy), what to record and how to run. Errors
// carry the file, the field path and the line (network/spec/yaml.ts locator); problems in a
// referenced network file are reported against that file.
//
//   name: cuba-weights                       # default: the file's base name (required in an object)
//   network: cuba.yaml                       # or an inline mapping
//   duration: 1000                           # ms; default: the network's protocol or duration
//   vary:
//     grid:   [ { name, paths: [..] | path, values: [..] } ]   # cartesian product, first slowest
//     zip:    [ { name, paths, values } ]                      # equal lengths, vary together
//     sample: { count, seed, parameters: [ { name, paths, distribution: "Uniform(a, b)" } ] }
//   seeds: { policy: same | sequential | random | list, base, count, master, values }
//   record: [ { target, variables, … } ]     # monitors; replace the network's on those targets
//   backend: openmp | serial | cuda          # default openmp; cuda runs on GPU workers (queue gpu)
//   cudaMode: exact | fast                   # cuda only; default exact (fast: float atomics, fast math)
//   threads: 1
//   maxConcurrent: 2
//   output: out/sweeps
//   checkpointEvery: 250                     # ms of simulated time
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { z, type ZodError } from 'zod';
import { BACKEND_NAMES, backendFor, checkSpecForBackend, isBackendName } from '../backends/index.js';
import { experimentFromObject, loadExperiment } from '../network/experiment/index.js';
import { checkNetworkSpec } from '../network/spec/check.js';
import { SpecError, type SpecIssue } from '../network/spec/errors.js';
import { applyParameters, checkParameterPath } from '../network/spec/paths.js';
import { MonitorSchema, type MonitorSpec, type NetworkSpec } from '../network/spec/schema.js';
import { checkpointIssue, durationIssue } from '../network/spec/steps.js';
import { parseYamlText, type Locator } from '../network/spec/yaml.js';
import { runCount, validatePlan } from '../workflows/plan/expand.js';
import type { SampleDistribution, SeedPolicy, SweepPlan } from '../workflows/plan/types.js';
import { RUN_COLUMNS } from '../results/index.js';
import type { SweepBackend, SweepInput } from '../workflows/contract.js';

const WHAT = 'sweep spec';

/** A loaded sweep file: the sweep workflow's input less its id, with the network spec itself (submission stores it and passes its hash), plus the monitors it asked for. */
export interface SweepSpec extends Omit<SweepInput, 'sweepId' | 'network' | 'networkSha256'> {
  network: NetworkSpec;
  /** The monitors the sweep file asked for (already merged into `network.monitors`); [] if none. */
  record: MonitorSpec[];
}

/** The engine's backends, and cuda (GPU workers). */
const SWEEP_BACKEND_NAMES = [...new Set<SweepBackend>([...BACKEND_NAMES, 'cuda'])] as [SweepBackend, ...SweepBackend[]];

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const positiveInt = (what: string) => z.number().int(`${what} must be an integer`).min(1, `${what} must be ≥ 1`);
const seedInt = (what: string) => z.number().int(`${what} must be an integer`).min(0, `${what} must be ≥ 0`).max(Number.MAX_SAFE_INTEGER, `${what} is too large`);

const pathsFields = {
  paths: z.array(z.string().min(1, 'expected a parameter path')).min(1, 'expected at least one parameter path').optional(),
  path: z.string().min(1, 'expected a parameter path').optional(),
};
const axisName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected a name of letters, digits and _ starting with a letter');
const AxisSchema = z.object({ name: axisName, ...pathsFields, values: z.array(finite).min(1, 'expected at least one value') }).strict();
const SampledSchema = z.object({ name: axisName, ...pathsFields, distribution: z.string() }).strict();

const SweepFileSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, _ . - (it is part of the workflow id)').optional(),
  network: z.union([z.string().min(1), z.record(z.string(), z.unknown())], { error: 'expected a path to a network or experiment file, or an inline network/experiment mapping' }),
  duration: finite.refine((x) => x > 0, 'duration must be > 0 ms').optional(),
  vary: z.object({
    grid: z.array(AxisSchema).default([]),
    zip: z.array(AxisSchema).default([]),
    sample: z.object({
      count: positiveInt('sample.count'),
      seed: seedInt('sample.seed').default(0),
      parameters: z.array(SampledSchema).min(1, 'expected at least one sampled parameter'),
    }).strict().optional(),
  }).strict().default({ grid: [], zip: [] }),
  seeds: z.object({
    policy: z.enum(['same', 'sequential', 'random', 'list'], { error: (i) => `unknown seed policy ${JSON.stringify(i.input)} (expected same, sequential, random or list)` }),
    base: seedInt('base').optional(),
    count: positiveInt('count').optional(),
    master: seedInt('master').optional(),
    values: z.array(seedInt('a seed')).min(1, 'expected at least one seed').optional(),
  }).strict().optional(),
  record: z.array(MonitorSchema).optional(),
  backend: z.enum(SWEEP_BACKEND_NAMES, { error: `expected ${SWEEP_BACKEND_NAMES.join(', ')}` }).default('openmp'),
  cudaMode: z.enum(['exact', 'fast'], { error: 'expected exact or fast' }).optional(),
  threads: positiveInt('threads').default(1),
  maxConcurrent: positiveInt('maxConcurrent').max(1000, 'maxConcurrent must be ≤ 1000 (Temporal allows 2000 pending activities per workflow)').default(2),
  output: z.string().min(1).default('out/sweeps'),
  checkpointEvery: finite.refine((x) => x > 0, 'checkpointEvery must be > 0 ms').default(250),
}).strict();

type SweepFile = z.infer<typeof SweepFileSchema>;

/** A sweep as an object: a sweep file's fields; `network` a path, or a network spec (`net.toSpec()`) or experiment object. */
export type SweepDefinition = Omit<z.input<typeof SweepFileSchema>, 'network'> & { network: string | NetworkSpec | Record<string, unknown> };

interface Source {
  /** Names the sweep in errors. */
  file: string;
  /** A relative `network:` path is relative to this folder. */
  baseDir: string;
  /** The name when the sweep gives none (null: it must give one). */
  defaultName: string | null;
  locate: Locator;
}

/** Reads and validates a sweep file; throws a located SpecError. */
export function loadSweepSpec(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(path, [{ path: [], message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }], WHAT);
  }
  return parseSweepSpecText(text, path);
}

/** Sweep YAML text → SweepSpec; `file` names it in errors and anchors a relative `network:` path. */
export function parseSweepSpecText(text: string, file: string): SweepSpec {
  const { data, locate } = parseYamlText(text, file, WHAT);
  return sweepSpecOf(data, { file, baseDir: dirname(file), defaultName: basename(file, extname(file)), locate });
}

/**
 * A sweep given as an object → SweepSpec. A relative `network:` path is relative to `baseDir`
 * (default: the working directory); `label` names the sweep in errors.
 */
export function sweepSpecFromObject(definition: SweepDefinition, opts: { baseDir?: string; label?: string } = {}): SweepSpec {
  return sweepSpecOf(definition, { file: opts.label ?? '<sweep definition>', baseDir: resolve(opts.baseDir ?? '.'), defaultName: null, locate: () => undefined });
}

function sweepSpecOf(data: unknown, { file, baseDir, defaultName, locate }: Source): SweepSpec {
  const fail = (issues: SpecIssue[]) => new SpecError(file, issues.map((i) => (i.line === undefined ? { ...locate(i.path), ...i } : i)), WHAT);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw fail([{ path: [], message: 'expected a mapping with network, vary, seeds, …', line: 1, column: 1 }]);
  const parsed = SweepFileSchema.safeParse(data);
  if (!parsed.success) throw fail(zodIssues(parsed.error));
  const sweep = parsed.data;
  const issues: SpecIssue[] = [];

  // The network: a file next to the sweep file, or inline (errors located in this file).
  let loaded: { network: NetworkSpec; protocol: unknown[] | null };
  if (typeof sweep.network === 'string') {
    loaded = loadExperiment(resolve(baseDir, sweep.network));
  } else {
    const inner: Locator = (p, fieldLine) => locate(['network', ...p], fieldLine);
    loaded = experimentFromObject(sweep.network, file, inner);
  }
  let network = loaded.network;

  // Duration / protocol.
  let protocol = loaded.protocol;
  let durationMs: number;
  if (sweep.duration !== undefined) {
    if (protocol && protocol.length > 0)
      issues.push({ path: ['duration'], message: 'the network has a protocol (its phases set the duration); remove duration, or use a network without one' });
    durationMs = sweep.duration;
    protocol = null;
  } else if (protocol && protocol.length > 0) {
    durationMs = (protocol as { durationMs: number }[]).reduce((t, p) => t + p.durationMs, 0);
  } else if (network.duration !== undefined) {
    durationMs = network.duration;
    protocol = null;
  } else {
    issues.push({ path: [], message: 'no duration: give duration (ms), or a network with a duration or a protocol' });
    durationMs = 0;
  }

  // Recording: the sweep's monitors replace the network's monitors on the same targets.
  const record = sweep.record ?? [];
  if (record.length > 0) {
    const targets = new Set(record.map((m) => m.target));
    const kept = network.monitors.filter((m) => !targets.has(m.target));
    const merged = { ...network, monitors: [...kept, ...record] };
    for (const i of checkNetworkSpec(merged)) {
      const [head, index, ...rest] = i.path;
      if (head === 'monitors' && typeof index === 'number' && index >= kept.length)
        issues.push({ ...i, path: ['record', index - kept.length, ...rest] });
      else issues.push({ ...i, path: ['network', ...i.path] });
    }
    network = merged;
  }

  const backend = sweep.backend;
  const cudaMode = sweep.cudaMode === 'fast' ? 'fast' : undefined;
  if (cudaMode && backend !== 'cuda') issues.push({ path: ['cudaMode'], message: `fast mode is the cuda backend's; the ${backend} backend is always exact` });
  if (isBackendName(backend)) {
    const engine = backendFor(backend);
    if (sweep.threads > engine.maxThreads) issues.push({ path: ['threads'], message: `the ${backend} backend runs on at most ${engine.maxThreads} thread${engine.maxThreads === 1 ? '' : 's'}` });
    for (const i of checkSpecForBackend(network, engine)) issues.push({ ...i, path: ['network', ...i.path] });
  }

  const plan = buildPlan(sweep, network, issues);
  // Each run's length and checkpoint interval at every dt the sweep runs at.
  for (const dt of sweptDts(plan, network.dt)) {
    const length = durationIssue(durationMs, dt);
    if (length && durationMs > 0) issues.push({ path: ['duration'], message: length });
    const checkpoint = checkpointIssue(sweep.checkpointEvery, dt);
    if (checkpoint) issues.push({ path: ['checkpointEvery'], message: checkpoint });
  }
  const name = sweep.name ?? defaultName;
  if (name === null) issues.push({ path: ['name'], message: 'a sweep given as an object needs a name (it is part of the sweep id)' });
  if (name === null || issues.length > 0) throw fail(issues);

  const specHash = sweepSpecHash({ network, protocol, durationMs, plan, record, backend, cudaMode });
  return {
    name, network, protocol, durationMs, plan, backend, cudaMode,
    threads: sweep.threads, maxConcurrent: sweep.maxConcurrent, output: sweep.output,
    checkpointEveryMs: sweep.checkpointEvery, record, specHash,
  };
}

/** The network's dt, or every dt the plan sets (a distribution's ends). */
function sweptDts(plan: SweepPlan, dt: number): number[] {
  const axes = [...plan.grid, ...plan.zip].filter((a) => a.paths.includes('dt')).map((a) => a.values);
  const sampled = (plan.sample?.parameters ?? []).filter((p) => p.paths.includes('dt')).map((p) => (p.distribution.kind === 'normal' ? [] : [p.distribution.min, p.distribution.max]));
  const set = [...axes, ...sampled];
  return set.length ? [...new Set(set.flat())] : [dt];
}

function buildPlan(sweep: SweepFile, network: NetworkSpec, issues: SpecIssue[]): SweepPlan {
  const pathsOf = (a: { paths?: string[]; path?: string }, at: (string | number)[]): string[] => {
    if (a.paths && a.path !== undefined) issues.push({ path: [...at, 'path'], message: 'give path or paths, not both' });
    const list = a.paths ?? (a.path !== undefined ? [a.path] : []);
    if (list.length === 0) issues.push({ path: at, message: 'an axis needs paths: [<parameter path>, …] (or path: <parameter path>)' });
    list.forEach((p, k) => {
      const bad = checkParameterPath(network, p);
      if (bad) issues.push({ path: a.paths ? [...at, 'paths', k] : [...at, 'path'], message: bad });
    });
    return list;
  };
  // A value must also fit the network (a probability in [0, 1], a delay ≥ dt, a number of
  // connections the population can give, …): checked by applying it.
  const checkValue = (paths: string[], value: number, at: (string | number)[]) => {
    if (paths.some((p) => checkParameterPath(network, p) !== null)) return;
    try {
      const applied = applyParameters(network, Object.fromEntries(paths.map((p) => [p, value])));
      const problems = checkNetworkSpec(applied);
      if (problems.length > 0) issues.push({ path: at, message: `${value}: ${problems[0].message}` });
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      for (const issue of e.issues) issues.push({ path: at, message: issue.message });
    }
  };
  const reserved = new Set<string>(RUN_COLUMNS);
  const axes = (list: SweepFile['vary']['grid'], section: 'grid' | 'zip') => list.map((a, i) => {
    const at = ['vary', section, i];
    if (reserved.has(a.name)) issues.push({ path: [...at, 'name'], message: `'${a.name}' is reserved (a column of runs.parquet)` });
    const paths = pathsOf(a, at);
    a.values.forEach((v, k) => checkValue(paths, v, [...at, 'values', k]));
    return { name: a.name, paths, values: a.values };
  });
  const grid = axes(sweep.vary.grid, 'grid');
  const zip = axes(sweep.vary.zip, 'zip');
  if (zip.length > 1 && zip.some((a) => a.values.length !== zip[0].values.length))
    issues.push({ path: ['vary', 'zip'], message: `zip axes must have equal lengths, got ${zip.map((a) => `${a.name}: ${a.values.length}`).join(', ')}` });

  let sample: SweepPlan['sample'] = null;
  if (sweep.vary.sample) {
    const s = sweep.vary.sample;
    const parameters = s.parameters.map((p, i) => {
      const at = ['vary', 'sample', 'parameters', i];
      const paths = pathsOf(p, at);
      const d = parseSampleDistribution(p.distribution);
      if (typeof d === 'string') {
        issues.push({ path: [...at, 'distribution'], message: d });
        return { name: p.name, paths, distribution: { kind: 'uniform', min: 0, max: 0 } as SampleDistribution };
      }
      if (paths.some((x) => x.endsWith('.connector.number')))
        issues.push({ path: [...at, 'paths'], message: 'connector number is an integer; sample it with a grid of values instead' });
      // A Normal has no ends: five standard deviations out stand for them (a draw beyond is one in ~2 million).
      else for (const end of d.kind === 'normal' ? [d.mean - 5 * d.sd, d.mean + 5 * d.sd] : [d.min, d.max]) checkValue(paths, end, [...at, 'distribution']);
      return { name: p.name, paths, distribution: d };
    });
    sample = { count: s.count, seed: s.seed, parameters };
  }

  const seeds = seedPolicy(sweep.seeds, network, issues);
  const plan: SweepPlan = { grid, zip, sample, seeds };
  if (issues.length === 0) {
    // Shape checks the schema cannot express (duplicate names, a path varied twice, …).
    for (const message of validatePlan(plan)) issues.push({ path: ['vary'], message });
    if (issues.length === 0 && runCount(plan) === 0) issues.push({ path: ['vary'], message: 'the sweep has no runs' });
  }
  return plan;
}

function seedPolicy(raw: SweepFile['seeds'], network: NetworkSpec, issues: SpecIssue[]): SeedPolicy {
  if (!raw) return { policy: 'same', base: network.seed ?? 0, count: 1 };
  const refuse = (field: string, why: string) => issues.push({ path: ['seeds', field], message: `${field} ${why} with policy ${raw.policy}` });
  switch (raw.policy) {
    case 'same':
    case 'sequential':
      if (raw.master !== undefined) refuse('master', 'is not used');
      if (raw.values !== undefined) refuse('values', 'is not used');
      return { policy: raw.policy, base: raw.base ?? (raw.policy === 'same' ? network.seed ?? 0 : 0), count: raw.count ?? 1 };
    case 'random':
      if (raw.base !== undefined) refuse('base', 'is not used (the seeds are drawn from master)');
      if (raw.values !== undefined) refuse('values', 'is not used');
      if (raw.master === undefined) issues.push({ path: ['seeds'], message: 'policy random needs master (the seed the seeds are drawn from)' });
      if (raw.count === undefined) issues.push({ path: ['seeds'], message: 'policy random needs count' });
      return { policy: 'random', master: raw.master ?? 0, count: raw.count ?? 1 };
    case 'list':
      if (raw.base !== undefined) refuse('base', 'is not used');
      if (raw.master !== undefined) refuse('master', 'is not used');
      if (raw.values === undefined) issues.push({ path: ['seeds'], message: 'policy list needs values: [seed, …]' });
      else if (raw.count !== undefined && raw.count !== raw.values.length)
        issues.push({ path: ['seeds', 'count'], message: `count ${raw.count} does not match the ${raw.values.length} listed seeds` });
      return { policy: 'list', values: raw.values ?? [] };
  }
}

const NUM = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** "Uniform(a, b)" | "Normal(mean, sd)" | "LogUniform(a, b)" → distribution, or a message. */
export function parseSampleDistribution(text: string): SampleDistribution | string {
  const m = /^\s*(Uniform|Normal|LogUniform)\s*\((.*)\)\s*$/.exec(text);
  const expected = `expected Uniform(min, max), Normal(mean, sd) or LogUniform(min, max), got '${text}'`;
  if (!m) return expected;
  const args = m[2].split(',').map((s) => s.trim());
  if (args.length !== 2 || !args.every((a) => NUM.test(a))) return `${m[1]} takes 2 numbers, got '${m[2]}'`;
  const [a, b] = args.map(Number);
  if (m[1] === 'Normal') return b < 0 ? `Normal: sd must be ≥ 0, got ${b}` : { kind: 'normal', mean: a, sd: b };
  if (a > b) return `${m[1]}: min must be ≤ max, got (${a}, ${b})`;
  if (m[1] === 'LogUniform') return a <= 0 ? `LogUniform: min must be > 0, got ${a}` : { kind: 'loguniform', min: a, max: b };
  return { kind: 'uniform', min: a, max: b };
}

/** JSON with object keys sorted at every level (arrays keep their order); undefined fields dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    return v;
  });
}

export function sweepSpecHash(parts: { network: NetworkSpec; protocol: unknown[] | null; durationMs: number; plan: SweepPlan; record: MonitorSpec[]; backend: string; cudaMode?: 'fast' }): string {
  const { network, protocol, durationMs, plan, record, backend, cudaMode } = parts;
  // Exact mode (the default) leaves the hash, and so the ids of sweeps defined before modes, as it was.
  return createHash('sha256').update(canonicalJson({ network, protocol, durationMs, plan, record, backend, ...(cudaMode ? { cudaMode } : {}) })).digest('hex');
}

function zodIssues(error: ZodError): SpecIssue[] {
  return error.issues.map((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    let message = i.message;
    if (i.code === 'unrecognized_keys') message = `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
    else if (i.code === 'invalid_type' && !/^expected /.test(i.message)) message = `expected ${i.expected}`;
    return { path, message };
  });
}
