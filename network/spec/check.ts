// Cross-field checks the schema cannot express: unique names, references, sizes, delays ≥ dt,
// connector arguments that fit the populations, then the neuron and synapse models themselves.
import type { SpecIssue } from './errors.js';
import { distributionRange, isDistribution } from './distributions.js';
import type { NetworkSpec, PopulationSpec } from './schema.js';
import { RESERVED } from '../equations/index.js';
import { stepsOf } from './steps.js';
import { boldMonitorName, resolveBoldMonitors } from '../ir/bold.js';
import { resolveModels } from '../ir/models.js';

/** Steps a per-synapse delay may last: the native core holds them in 16 bits (backends/codegen/projection.ts). */
export const MAX_SYNAPSE_DELAY_STEPS = 65535;

/** Neurons a population may hold: the native core indexes neurons with 32-bit integers. */
const MAX_POPULATION_SIZE = 2 ** 31 - 1;

export function populationSize(p: PopulationSpec): number {
  return Array.isArray(p.geometry) ? p.geometry.reduce((a, b) => a * b, 1) : p.geometry;
}

export function checkNetworkSpec(spec: NetworkSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const name of Object.keys(spec.constants))
    if (RESERVED.has(name)) issues.push({ path: ['constants', name], message: `'${name}' is reserved in equations (${name === 't' ? 'the time' : name === 'dt' ? 'the time step' : 'a keyword'}): name the constant otherwise` });
  const sizes = new Map<string, number>();
  const objects = new Set<string>();
  spec.populations.forEach((p, i) => {
    if (objects.has(p.name)) issues.push({ path: ['populations', i, 'name'], message: `duplicate name '${p.name}'` });
    objects.add(p.name);
    sizes.set(p.name, populationSize(p));
    if (populationSize(p) > MAX_POPULATION_SIZE)
      issues.push({ path: ['populations', i, 'geometry'], message: `${populationSize(p).toLocaleString('en-US')} neurons: a population holds at most ${MAX_POPULATION_SIZE.toLocaleString('en-US')} (neuron indices are 32-bit)` });
    if (p.spikeTimes && p.spikeTimes.length !== populationSize(p))
      issues.push({ path: ['populations', i, 'spikeTimes'], message: `expected one list of spike times per neuron (${populationSize(p)}), got ${p.spikeTimes.length}` });
    for (const [key, value] of Object.entries(p.values))
      if (Array.isArray(value) && value.length !== populationSize(p))
        issues.push({ path: ['populations', i, 'values', key], message: `expected ${populationSize(p)} values (one per neuron), got ${value.length}` });
    const refractory = p.values.refractory;
    const lowest = refractory === undefined ? 0 : typeof refractory === 'number' ? refractory : Array.isArray(refractory) ? refractory.reduce((a, b) => Math.min(a, b), Infinity) : isDistribution(refractory) ? distributionRange(refractory)[0] : 0;
    if (lowest < 0) issues.push({ path: ['populations', i, 'values', 'refractory'], message: `a refractory period is ≥ 0 ms, got ${lowest}${isDistribution(refractory) ? ' at the low end of the distribution' : ''}` });
  });
  spec.projections.forEach((proj, i) => {
    const at = (...rest: (string | number)[]) => ['projections', i, ...rest];
    if (objects.has(proj.name)) issues.push({ path: at('name'), message: `duplicate name '${proj.name}'` });
    objects.add(proj.name);
    const nPre = sizes.get(proj.pre);
    const nPost = sizes.get(proj.post);
    if (nPre === undefined) issues.push({ path: at('pre'), message: `unknown population '${proj.pre}' (declared: ${[...sizes.keys()].join(', ')})` });
    if (nPost === undefined) issues.push({ path: at('post'), message: `unknown population '${proj.post}' (declared: ${[...sizes.keys()].join(', ')})` });
    const c = proj.connector;
    const delays = c.delays;
    if (typeof delays === 'number' && delays < spec.dt * (1 - 1e-9))
      issues.push({ path: at('connector', 'delays'), message: `delay ${delays} ms is shorter than dt = ${spec.dt} ms` });
    if (Array.isArray(delays) && delays.some((d) => d < spec.dt * (1 - 1e-9)))
      issues.push({ path: at('connector', 'delays'), message: `every delay must be ≥ dt = ${spec.dt} ms` });
    if (isDistribution(delays)) {
      const [lo, hi] = distributionRange(delays);
      if (lo < spec.dt * (1 - 1e-9)) issues.push({ path: at('connector', 'delays'), message: `delays drawn from this distribution can be shorter than dt = ${spec.dt} ms; give it min ≥ ${spec.dt}` });
      if (!Number.isFinite(hi)) issues.push({ path: at('connector', 'delays'), message: 'a delay distribution needs a finite max bound' });
    }
    // Per-synapse delays are held in 16 bits of steps; a uniform delay sizes one ring of steps × post neurons.
    // (reduce, not Math.max(...list): an explicit list of 300k delays would overflow the call's arguments)
    const longest = Array.isArray(delays) ? delays.reduce((a, b) => Math.max(a, b), -Infinity) : isDistribution(delays) ? distributionRange(delays)[1] : null;
    if (longest !== null && Number.isFinite(longest) && stepsOf(longest, spec.dt) > MAX_SYNAPSE_DELAY_STEPS)
      issues.push({ path: at('connector', 'delays'), message: `per-synapse delays reach ${longest} ms, ${stepsOf(longest, spec.dt)} steps of dt = ${spec.dt} ms; they can be at most ${MAX_SYNAPSE_DELAY_STEPS} steps (${MAX_SYNAPSE_DELAY_STEPS * spec.dt} ms)` });
    if (typeof delays === 'number' && !Number.isSafeInteger(stepsOf(delays, spec.dt)))
      issues.push({ path: at('connector', 'delays'), message: `delay ${delays} ms is more steps of dt = ${spec.dt} ms than a run counts` });
    if (nPre === undefined || nPost === undefined) return;
    if (c.type === 'oneToOne' && nPre !== nPost)
      issues.push({ path: at('connector'), message: `oneToOne needs populations of equal size (${proj.pre}: ${nPre}, ${proj.post}: ${nPost})` });
    const self = proj.pre === proj.post && !('allowSelfConnections' in c && c.allowSelfConnections) ? 1 : 0;
    if (c.type === 'fixedNumberPre' && c.number > nPre - self)
      issues.push({ path: at('connector', 'number'), message: `${c.number} presynaptic neurons requested but '${proj.pre}' has ${nPre - self} candidates` });
    if (c.type === 'fixedNumberPost' && c.number > nPost - self)
      issues.push({ path: at('connector', 'number'), message: `${c.number} postsynaptic neurons requested but '${proj.post}' has ${nPost - self} candidates` });
    if (c.type === 'fromSparse') {
      const n = c.pre.length;
      if (c.post.length !== n) issues.push({ path: at('connector', 'post'), message: `expected ${n} entries like pre, got ${c.post.length}` });
      if (Array.isArray(c.weights) && c.weights.length !== n) issues.push({ path: at('connector', 'weights'), message: `expected ${n} weights, got ${c.weights.length}` });
      if (Array.isArray(c.delays) && c.delays.length !== n) issues.push({ path: at('connector', 'delays'), message: `expected ${n} delays, got ${c.delays.length}` });
      c.pre.forEach((v, k) => v >= nPre && issues.push({ path: at('connector', 'pre', k), message: `neuron ${v} is outside '${proj.pre}' (size ${nPre})` }));
      c.post.forEach((v, k) => v >= nPost && issues.push({ path: at('connector', 'post', k), message: `neuron ${v} is outside '${proj.post}' (size ${nPost})` }));
    }
  });
  spec.monitors.forEach((m, i) => {
    if (!objects.has(m.target)) issues.push({ path: ['monitors', i, 'target'], message: `unknown population or projection '${m.target}'` });
    if (m.period !== undefined && !(stepsOf(m.period, spec.dt) >= 1 && Number.isSafeInteger(stepsOf(m.period, spec.dt))))
      issues.push({ path: ['monitors', i, 'period'], message: `a sampling period is at least dt = ${spec.dt} ms and a countable number of steps, got ${m.period} ms` });
    else if (m.period !== undefined && Math.abs(m.period / spec.dt - stepsOf(m.period, spec.dt)) > 1e-6)
      issues.push({ path: ['monitors', i, 'period'], message: `a sampling period is a whole number of steps of dt = ${spec.dt} ms; ${m.period} ms would sample every ${Number((stepsOf(m.period, spec.dt) * spec.dt).toPrecision(12))} ms` });
    if (!Number.isSafeInteger(stepsOf(m.start, spec.dt))) issues.push({ path: ['monitors', i, 'start'], message: `start ${m.start} ms is more steps of dt = ${spec.dt} ms than a run counts` });
    const size = sizes.get(m.target);
    m.indices?.forEach((v, k) => size !== undefined && v >= size &&
      issues.push({ path: ['monitors', i, 'indices', k], message: `neuron ${v} is outside '${m.target}' (size ${size})` }));
  });
  (spec.boldMonitors ?? []).forEach((m, i) => {
    const name = boldMonitorName(m, i);
    if (objects.has(name)) issues.push({ path: ['boldMonitors', i, 'name'], message: `duplicate name '${name}' (a BOLD monitor's name must differ from every population, projection and BOLD monitor)` });
    objects.add(name);
  });
  if (issues.length > 0) return issues;
  const models = resolveModels(spec);
  return [...models.issues, ...resolveBoldMonitors(spec, models.neurons).issues];
}
