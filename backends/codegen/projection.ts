// Synapse kernels of one projection: connectivity built natively (CSR), weights, delays, synaptic
// variables; the model math as inline functions of one synapse (math.ts) — the presynaptic event,
// the postsynaptic event, the continuous equations, the psp — and the loops every CPU schedule
// uses around them: delivery of delayed presynaptic spikes (in spike order then synapse order — a
// fixed order, so sums do not depend on threads), psp, synaptic equations, postsynaptic events.
import { eventDrivenDecay, integrate, type Expr, type Statement, type SynapseModel } from '../../network/equations/index.js';
import type { NetworkIR, PopulationIR, ProjectionIR } from '../../network/ir/ir.js';
import { MAX_SYNAPSE_DELAY_STEPS } from '../../network/spec/check.js';
import { indent, popMember, projMember, quote } from './cpp.js';
import { context, emitCpp, emitStatementCpp, randomDraws, randomSites, type KernelNames } from './expressions.js';
import { callMath, defineMath, MathBinder, type MathFunction } from './math.js';
import { constantLocals, type CodeParts } from './population.js';

const RULES: Record<ProjectionIR['connector'], string> = {
  allToAll: 'ss::all_to_all(ra)',
  oneToOne: 'ss::one_to_one(ra)',
  fixedProbability: 'ss::fixed_probability(ra, V[SLOT])',
  fixedNumberPre: 'ss::fixed_number_pre(ra, int64_t(V[SLOT]))',
  fixedNumberPost: 'ss::fixed_number_post(ra, int64_t(V[SLOT]))',
  fromSparse: 'ss::from_sparse(ra, static_cast<const int32_t *>(need(a, PRE)->data), static_cast<const int32_t *>(need(a, POST)->data), need(a, PRE)->length)',
};

const ELAPSED = '_elapsed';

interface Shape {
  proj: ProjectionIR;
  model: SynapseModel;
  pre: PopulationIR;
  post: PopulationIR;
  m: (name: string) => string;
  eventDriven: SynapseModel['variables'];
  hasPostIndex: boolean;
  ir: NetworkIR;
}

function shape(proj: ProjectionIR, ir: NetworkIR): Shape {
  const model = proj.model;
  const eventDriven = model.variables.filter((v) => v.eventDriven);
  return {
    proj, model, pre: ir.populations[proj.pre], post: ir.populations[proj.post],
    m: (name) => projMember(proj, name), eventDriven, hasPostIndex: model.postSpike.length > 0, ir,
  };
}

function members(x: Shape): string[] {
  const { m, proj } = x;
  return [
    `// projection ${proj.index}: ${proj.name} (${x.pre.name} -> ${x.post.name}, ${proj.target})`,
    `int64_t *${m('_row_ptr')} = nullptr;`,
    `int32_t *${m('_col')} = nullptr;`,
    `real *${m('w')} = nullptr;`,
    `int32_t *${m('learning')} = nullptr;`,
    ...proj.attrs.map((a) => `real *${m(a.name)} = nullptr;`),
    ...(proj.delays === 'uniform' ? [`int64_t ${m('_delay')} = 1;`] : [`uint16_t *${m('_delay')} = nullptr;`, `int64_t ${m('_ring_len')} = 1;`, `real *${m('_ring')} = nullptr;`]),
    ...(x.eventDriven.length ? [`int64_t *${m('_last_event')} = nullptr;`] : []),
    ...(x.hasPostIndex ? [`int64_t *${m('_post_ptr')} = nullptr;`, `int64_t *${m('_post_syn')} = nullptr;`, `int32_t *${m('_post_pre')} = nullptr;`] : []),
  ];
}

function create(x: Shape): string[] {
  const { m, proj, pre, post } = x;
  const name = (n: string) => quote(`${proj.name}.${n}`);
  const rule = RULES[proj.connector].replace('SLOT', String(proj.connectorSlot))
    .replace(/PRE/g, name('sparse_pre')).replace(/POST/g, name('sparse_post'));
  const perSyn = (a: { shared: boolean }) => (a.shared ? '1' : 'n');
  const sparseWeights = proj.connector === 'fromSparse' && proj.weights === 'synapse';
  return [
    '{',
    `  ss::RuleArgs ra{${pre.size}, ${post.size}, ${pre.index === post.index}, ${proj.allowSelf}, a->seed, ${proj.streams.connect}u};`,
    `  ss::Csr csr = ${rule};`,
    '  const int64_t n = int64_t(csr.col.size());',
    `  S->${m('w')} = S->store.add<real>(${name('w')}, ${proj.weights === 'shared' ? '1' : 'n'}, SS_ARRAY_STATE | SS_ARRAY_SETTABLE${proj.weights === 'synapse' ? ' | SS_ARRAY_SYNAPTIC' : ''});`,
    sparseWeights
      ? `  { const ss_input *in = ss::find_input(a, ${name('sparse_weights')}); for (int64_t k = 0; k < n; ++k) S->${m('w')}[k] = in ? real(static_cast<const double *>(in->data)[csr.origin[size_t(k)]]) : real(V[${proj.weightSlot + 1}]); }`
      : `  ss::fill_from(S->${m('w')}, ${proj.weights === 'shared' ? '1' : 'n'}, ss::dist_at(V + ${proj.weightSlot}), a->seed, ${proj.streams.weight}u);`,
    ...(proj.delays === 'uniform'
      ? [`  S->${m('_delay')} = ss::delay_steps(V[${proj.delaySlot + 1}], S->dt);`]
      : [
        `  S->${m('_delay')} = S->store.add<uint16_t>(${name('_delay')}, n, SS_ARRAY_SYNAPTIC);`,
        `  { const ss_input *in = ss::find_input(a, ${name('sparse_delays')}); const ss::Dist d = ss::dist_at(V + ${proj.delaySlot});`,
        `    for (int64_t k = 0; k < n; ++k) {`,
        `      const double ms = in ? static_cast<const double *>(in->data)[csr.origin[size_t(k)]] : d.sample(a->seed, ${proj.streams.delay}u, uint64_t(k));`,
        `      const int64_t steps = ss::delay_steps(ms, S->dt);`,
        `      if (steps > ${MAX_SYNAPSE_DELAY_STEPS}) throw std::runtime_error(${quote(`projection '${proj.name}': delays longer than ${MAX_SYNAPSE_DELAY_STEPS} steps are not supported`)});`,
        `      S->${m('_delay')}[k] = uint16_t(steps);`,
        `      S->${m('_ring_len')} = std::max<int64_t>(S->${m('_ring_len')}, steps);`,
        '    } }',
        `  S->${m('_ring')} = S->store.add<real>(${name('_ring')}, S->${m('_ring_len')} * ${post.size}, SS_ARRAY_STATE);`,
      ]),
    ...proj.attrs.map((a) =>
      `  S->${m(a.name)} = S->store.add<real>(${name(a.name)}, ${perSyn(a)}, SS_ARRAY_STATE | SS_ARRAY_SETTABLE${a.shared ? '' : ' | SS_ARRAY_SYNAPTIC'});\n` +
      `  ss::fill_from(S->${m(a.name)}, ${perSyn(a)}, ss::dist_at(V + ${a.slot}), a->seed, ${a.stream}u);`),
    `  S->${m('learning')} = S->store.add<int32_t>(${name('learning')}, 1, SS_ARRAY_SETTABLE, int32_t(1));`,
    ...(x.eventDriven.length ? [`  S->${m('_last_event')} = S->store.add<int64_t>(${name('_last_event')}, n, SS_ARRAY_STATE | SS_ARRAY_SYNAPTIC, int64_t(0));`] : []),
    ...(x.hasPostIndex ? [
      `  ss::PostIndex pi = ss::post_index(csr.row_ptr.data(), csr.col.data(), ${pre.size}, ${post.size});`,
      `  S->${m('_post_ptr')} = S->store.adopt<int64_t>(${name('_post_ptr')}, std::move(pi.ptr), 0);`,
      `  S->${m('_post_syn')} = S->store.adopt<int64_t>(${name('_post_syn')}, std::move(pi.syn), 0);`,
      `  S->${m('_post_pre')} = S->store.adopt<int32_t>(${name('_post_pre')}, std::move(pi.pre), 0);`,
    ] : []),
    `  S->${m('_row_ptr')} = S->store.adopt<int64_t>(${name('_row_ptr')}, std::move(csr.row_ptr), 0);`,
    `  S->${m('_col')} = S->store.adopt<int32_t>(${name('_col')}, std::move(csr.col), SS_ARRAY_SYNAPTIC);`,
    '}',
  ];
}

/**
 * share_read_only's lines for this projection: each array create() builds and nothing writes
 * afterwards (rows, columns, per-synapse delays, the postsynaptic index) becomes `first`'s where
 * it holds the same values (Store::share).
 */
function readOnly(x: Shape): string[] {
  const { m, proj } = x;
  const arrays: [string, string][] = [
    ['_row_ptr', 'int64_t'], ['_col', 'int32_t'],
    ...(proj.delays === 'synapse' ? [['_delay', 'uint16_t'] as [string, string]] : []),
    ...(x.hasPostIndex ? [['_post_ptr', 'int64_t'], ['_post_syn', 'int64_t'], ['_post_pre', 'int32_t']] as [string, string][] : []),
  ];
  return arrays.map(([n, type]) => `${m(n)} = store.share<${type}>(${quote(`${proj.name}.${n}`)}, first.store);`);
}

// How names read inside this projection's loops (i: pre neuron, j: post neuron, k: synapse).
// `sharedLocals`: shared synaptic values read from locals hoisted out of the loops (only where no
// statement of the loop writes them).
function names(x: Shape, ir: NetworkIR, sharedLocals = false): KernelNames {
  const { proj, pre, post, m } = x;
  const attr = (n: string) => proj.attrs.find((a) => a.name === n);
  const neuron = (pop: PopulationIR, name: string, index: string) => {
    const a = pop.attrs.find((y) => y.name === name);
    return `${popMember(pop, name)}[${a?.shared ? '0' : index}]`;
  };
  return {
    precision: ir.precision,
    ident: (scope: 'pre' | 'post' | undefined, name: string): string => {
      if (scope === 'pre') return neuron(pre, name, 'i');
      if (scope === 'post') return neuron(post, name, 'j');
      if (name === 't' || name === 'dt' || name === ELAPSED) return name;
      if (name === 'g_target') return `${popMember(post, `g_${proj.target}`)}[j]`;
      const shared = name === 'w' ? proj.weights === 'shared' : attr(name)?.shared;
      if (shared === undefined) return `k_${name}`; // a network constant (validated by the parser)
      return shared ? (sharedLocals ? `l_${name}` : `${m(name)}[0]`) : `${m(name)}[k]`;
    },
  };
}

// Shared synaptic values (the weight and shared attributes) as locals, for `names(…, true)`.
function sharedLocals(x: Shape): string[] {
  const shared = [...(x.proj.weights === 'shared' ? ['w'] : []), ...x.proj.attrs.filter((a) => a.shared).map((a) => a.name)];
  return shared.map((n) => `const real l_${n} = ${x.m(n)}[0]; (void)l_${n};`);
}

const isConductance = (s: Statement) => s.target.name === 'g_target' && !s.target.scope;

// Event-driven traces decay in closed form to the current time before an event is processed.
function decays(x: Shape, ctx: ReturnType<typeof context>, lastEvent: string): string[] {
  if (!x.eventDriven.length) return [];
  const span = x.eventDriven[0].rhs.span;
  const elapsed: Expr = { kind: 'ident', name: ELAPSED, span };
  return [
    `const double ${ELAPSED} = t - double(${lastEvent}) * dt;`,
    ...x.eventDriven.map((v) => {
      const factor = eventDrivenDecay(v, elapsed, { modelKind: 'synapse', model: x.model.name }, x.model.variables);
      return `${ctx.identifier(undefined, v.name)} *= ${emitCpp(factor, ctx)};`;
    }),
  ];
}

// One event of synapse k (pre i → post j): conductance statements always, learning statements and
// trace decays only while learning is on.
function eventMath(x: Shape, name: string, statements: Statement[], kernelNames: KernelNames): MathFunction {
  const b = new MathBinder(x.ir.precision);
  const ctx = context(b.names(kernelNames));
  const sites = randomSites(statements.map((st) => st.value));
  const learned = statements.filter((st) => !isConductance(st));
  const learns = learned.length > 0 || x.eventDriven.length > 0;
  const learning = learns ? b.bind('learning', 'learning', { type: 'const bool', exact: true }) : '';
  const lastEvent = x.eventDriven.length ? b.bind(`${x.m('_last_event')}[k]`, 'last_event', { type: 'int64_t &' }) : '';
  const body = [
    ...randomDraws(sites, ctx, x.proj.streams.random, 'k'),
    ...statements.filter(isConductance).map((st) => emitStatementCpp(st, ctx)),
    ...(learns ? [
      `if (${learning}) {`,
      ...decays(x, ctx, lastEvent).map((l) => `  ${l}`),
      ...learned.map((st) => `  ${emitStatementCpp(st, ctx)}`),
      ...(x.eventDriven.length ? [`  ${lastEvent} = s;`] : []),
      '}',
    ] : []),
  ];
  return { name: `j${x.proj.index}_${name}`, returns: 'void', indices: ['i', 'j', 'k'], params: b.params, body };
}

// The loops over the spikes being delivered (bound to `spikes`), each spike as `i`, and over
// the synapses `k` of the given part of its row (an ss::RowPart); the caller closes both.
function spikeLoop(rows: string, col: string): string[] {
  return [
    `  const ss::RowPart rows = ${rows};`,
    '  for (int64_t n = 0; n < spikes.count; ++n) {',
    `    ss::prefetch_rows(rows, ${col}, spikes, n);`,
    '    const int32_t i = spikes.data[n];',
    '    for (int64_t k = rows.begin(i), end = rows.end(i); k < end; ++k) {',
  ];
}

/**
 * Delivery can be split between threads by postsynaptic neuron when a spike only adds to its
 * targets' conductances (nothing learned, nothing presynaptic written) and arrives after one
 * uniform delay. A schedule with threads may use deliverSplit for such projections.
 */
export function splitsByTarget(proj: ProjectionIR): boolean {
  return proj.delays === 'uniform' && !proj.model.variables.some((v) => v.eventDriven) && proj.model.preSpike.every(isConductance);
}

/**
 * deliver_j<N>(s) over a part of every spike's row: `rows` is the ss::RowPart expression (whole
 * rows: `{row_ptr}`), `prelude` lines run first (a schedule that splits rows by target returns
 * early for a thread with no targets).
 */
export type DeliverOver = (rows: string, prelude: string[]) => string[];

// What a delivery reads once per step before its loops (the event's arguments name them).
function deliveryLocals(x: Shape): string[] {
  return [
    'const double t = double(s) * dt; (void)t;',
    'const uint64_t seed = this->seed; (void)seed;',
    `const bool learning = ${x.m('learning')}[0] != 0; (void)learning;`,
    ...sharedLocals(x),
    ...constantLocals(x.ir),
    `const int32_t *__restrict col = ${x.m('_col')};`,
  ];
}

function deliver(x: Shape, event: MathFunction | null): DeliverOver | null {
  const { m, proj, pre, post } = x;
  if (!event) return null;
  const locals = indent(deliveryLocals(x), 1);
  if (proj.delays === 'synapse') {
    // Each spike adds to the ring slot of its synapse's arrival step; the slot of this step is
    // then added to the conductances and cleared.
    const g = `${popMember(post, `g_${proj.target}`)}`;
    return (rows, prelude) => [
      `void deliver_j${proj.index}(int64_t s) {`,
      ...prelude,
      ...locals,
      `  const int64_t R = ${m('_ring_len')};`,
      `  const ss::Spikes spikes = populations[${pre.index}].emitted(s, 1);`,
      ...spikeLoop(rows, 'col'),
      '      const int64_t j = col[k];',
      `      real &slot = ${m('_ring')}[((s - 1 + ${m('_delay')}[k]) % R) * ${post.size} + j];`,
      `      ${callMath(event, { [`${g}[j]`]: 'slot' })};`,
      '    }',
      '  }',
      `  real *slot = ${m('_ring')} + (s % R) * ${post.size};`,
      `  for (int64_t j = 0; j < ${post.size}; ++j) { ${g}[j] += slot[j]; slot[j] = 0; }`,
      '}',
    ];
  }
  return (rows, prelude) => [
    `void deliver_j${proj.index}(int64_t s) {`,
    `  const ss::Spikes spikes = populations[${pre.index}].emitted(s, ${m('_delay')});`,
    '  if (spikes.empty()) return;',
    ...prelude,
    ...locals,
    ...spikeLoop(rows, 'col'),
    '      const int64_t j = col[k];',
    `      ${callMath(event)};`,
    '    }',
    '  }',
    '}',
  ];
}

function psp(x: Shape, kernelNames: KernelNames): { math: string[]; sum: ContinuousInput | null } {
  const { proj, post } = x;
  if (!proj.model.psp) return { math: [], sum: null };
  const b = new MathBinder(x.ir.precision);
  const ctx = context(b.names(kernelNames));
  const body = [...randomDraws(randomSites([proj.model.psp]), ctx, proj.streams.random, 'k'), `return ${emitCpp(proj.model.psp, ctx)};`];
  const fn: MathFunction = { name: `j${proj.index}_psp`, returns: 'real', indices: ['i', 'j', 'k'], params: b.params, body };
  const locals = [
    'const double dt = this->dt;',
    'const double t = double(s) * dt; (void)t;',
    'const uint64_t seed = this->seed; (void)seed;',
    ...constantLocals(x.ir),
    `const int32_t *__restrict col = ${x.m('_col')};`,
    `real *sum = ${popMember(post, `sum_${proj.target}`)};`,
  ];
  return { math: defineMath(fn), sum: { fn, locals } };
}

/** The continuous synaptic equations: a math function and the loop over presynaptic rows [b, e) its schedule wraps. */
function synapseEquations(x: Shape, kernelNames: KernelNames): { math: string[]; rows: string[] } {
  const { m, proj } = x;
  const continuous = proj.model.variables.filter((v) => !v.eventDriven);
  if (!continuous.length) return { math: [], rows: [] };
  const plan = integrate(proj.model.variables, { modelKind: 'synapse', model: proj.model.name }).steps;
  const b = new MathBinder(x.ir.precision);
  const ctx = context(b.names(kernelNames));
  const body = [
    ...randomDraws(randomSites(plan.map((p) => p.value)), ctx, proj.streams.random, 'k'),
    ...plan.map((p) => (p.kind === 'temp' ? `const real ${p.name} = ${emitCpp(p.value, ctx)};` : `${ctx.identifier(undefined, p.variable)} = ${emitCpp(p.value, ctx)};`)),
  ];
  const fn: MathFunction = { name: `j${proj.index}_synapse_step`, returns: 'void', indices: ['i', 'j', 'k'], params: b.params, body };
  return {
    math: defineMath(fn),
    rows: [
      ...constantLocals(x.ir),
      'for (int64_t i = b; i < e; ++i) {',
      `  for (int64_t k = ${m('_row_ptr')}[i]; k < ${m('_row_ptr')}[i + 1]; ++k) {`,
      `    const int64_t j = ${m('_col')}[k];`,
      `    ${callMath(fn)};`,
      '  }',
      '}',
    ],
  };
}

function postEvents(x: Shape, event: MathFunction | null): string[] {
  const { m, proj, post } = x;
  if (!event) return [];
  return [
    `void post_j${proj.index}(int64_t s) {`,
    `  const ss::Spikes spikes = populations[${post.index}].spiked;`,
    '  if (spikes.empty()) return;',
    '  const double t = double(s) * dt; (void)t;',
    '  const uint64_t seed = this->seed; (void)seed;',
    `  const bool learning = ${m('learning')}[0] != 0; (void)learning;`,
    ...constantLocals(x.ir).map((l) => `  ${l}`),
    '  for (int32_t j : spikes) {',
    `    for (int64_t c = ${m('_post_ptr')}[j]; c < ${m('_post_ptr')}[j + 1]; ++c) {`,
    `      const int64_t k = ${m('_post_syn')}[c];`,
    `      const int64_t i = ${m('_post_pre')}[c];`,
    `      ${callMath(event)};`,
    '    }',
    '  }',
    '}',
  ];
}

/** Continuous input of a synapse (its psp) into its target's sum, for a schedule's own loops. */
export interface ContinuousInput {
  /** The psp of synapse k (pre i → post j). */
  fn: MathFunction;
  /** Locals its arguments name, with `col` and the target's `sum`, read in psp_j's body. */
  locals: string[];
}

/** A presynaptic spike's event for a schedule that writes its own delivery loops. */
export interface PreEvent {
  fn: MathFunction;
  /** Locals its arguments name (t, seed, learning, shared values, constants, col), read in deliver_j's body. */
  locals: string[];
}

export interface ProjectionCode extends CodeParts {
  /** The event of a presynaptic spike, when spikes do anything. */
  preEvent: PreEvent | null;
  /** deliver_j<N>(s) over given parts of the rows, when presynaptic spikes do anything (splitsByTarget says whether rows may be split by target). */
  deliver: DeliverOver | null;
  /** The ss::RowPart of whole rows, for `deliver`. */
  wholeRows: string;
  /** The continuous input summed into sum(target) each step (psp_j<N>, written by the schedule: pspOnCpu on the CPU), or null. */
  psp: ContinuousInput | null;
  /** The continuous synaptic equations over presynaptic rows [b, e) of step s (`learning` checked by the caller), or empty. */
  equationRows: string[];
  /** post_j<N>(s): postsynaptic events (one thread, at the end of a step), or empty. */
  postEvents: string[];
  /** Lines of share_read_only(first), for a schedule that shares read-only arrays between a batch's copies. */
  readOnly: string[];
}

export function emitProjection(proj: ProjectionIR, ir: NetworkIR): ProjectionCode {
  const x = shape(proj, ir);
  const split = splitsByTarget(proj);
  const preEvent = proj.model.preSpike.length ? eventMath(x, 'pre_event', proj.model.preSpike, names(x, ir, split)) : null;
  const postEvent = x.hasPostIndex ? eventMath(x, 'post_event', proj.model.postSpike, names(x, ir)) : null;
  const continuous = psp(x, names(x, ir));
  const equations = synapseEquations(x, names(x, ir));
  return {
    members: members(x),
    create: create(x),
    math: [...(preEvent ? defineMath(preEvent) : []), ...(postEvent ? defineMath(postEvent) : []), ...continuous.math, ...equations.math],
    preEvent: preEvent ? { fn: preEvent, locals: deliveryLocals(x) } : null,
    deliver: deliver(x, preEvent),
    wholeRows: `{${x.m('_row_ptr')}}`,
    psp: continuous.sum,
    equationRows: equations.rows,
    postEvents: postEvents(x, postEvent),
    readOnly: readOnly(x),
  };
}
