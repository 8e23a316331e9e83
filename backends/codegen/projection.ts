// Synapse kernels of one projection: connectivity built natively (CSR), weights, delays, synaptic
// variables; each step the delivery of delayed presynaptic spikes (preSpike statements, in spike
// order then synapse order — a fixed order, so sums do not depend on threads), continuous psp,
// synaptic equations and postsynaptic events.
import { eventDrivenDecay, integrate, type Expr, type Statement, type SynapseModel } from '../../network/equations/index.js';
import type { NetworkIR, PopulationIR, ProjectionIR } from '../../network/ir/ir.js';
import { popMember, projMember, quote } from './cpp.js';
import { context, emitCpp, emitStatementCpp, randomDraws, randomSites } from './expressions.js';
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
        `      if (steps > 65535) throw std::runtime_error(${quote(`projection '${proj.name}': delays longer than 65535 steps are not supported`)});`,
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
    ...(splitsByTarget(proj) ? [`  S->row_splits[${proj.index}] = ss::RowSplit(S->${m('_row_ptr')}, S->${m('_col')}, ${pre.size}, ${post.size}, S->threads);`] : []),
    '}',
  ];
}

// How names read inside this projection's loops (i: pre neuron, j: post neuron, k: synapse).
// `sharedLocals`: shared synaptic values read from locals hoisted out of the loops (only where no
// statement of the loop writes them).
function names(x: Shape, ir: NetworkIR, sharedLocals = false) {
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
function decays(x: Shape, ctx: ReturnType<typeof context>): string[] {
  if (!x.eventDriven.length) return [];
  const span = x.eventDriven[0].rhs.span;
  const elapsed: Expr = { kind: 'ident', name: ELAPSED, span };
  return [
    `const double ${ELAPSED} = t - double(${x.m('_last_event')}[k]) * dt;`,
    ...x.eventDriven.map((v) => {
      const factor = eventDrivenDecay(v, elapsed, { modelKind: 'synapse', model: x.model.name }, x.model.variables);
      return `${ctx.identifier(undefined, v.name)} *= ${emitCpp(factor, ctx)};`;
    }),
  ];
}

function eventBody(x: Shape, ctx: ReturnType<typeof context>, statements: Statement[]): string[] {
  const sites = randomSites(statements.map((s) => s.value));
  const learned = statements.filter((s) => !isConductance(s));
  return [
    ...randomDraws(sites, ctx, x.proj.streams.random, 'k'),
    ...statements.filter(isConductance).map((s) => emitStatementCpp(s, ctx)),
    ...(learned.length || x.eventDriven.length ? [
      'if (learning) {',
      ...decays(x, ctx).map((l) => `  ${l}`),
      ...learned.map((s) => `  ${emitStatementCpp(s, ctx)}`),
      ...(x.eventDriven.length ? [`  ${x.m('_last_event')}[k] = s;`] : []),
      '}',
    ] : []),
  ];
}

function deliver(x: Shape, ctx: ReturnType<typeof context>): string[] {
  const { m, proj, pre, post } = x;
  if (proj.model.preSpike.length === 0) return [];
  if (proj.delays === 'synapse') {
    const g = `${popMember(post, `g_${proj.target}`)}`;
    return [
      `void deliver_j${proj.index}(int64_t s) {`,
      '  const double t = double(s) * dt; (void)t;',
      ...constantLocals(x.ir).map((l) => `  ${l}`),
      `  const int64_t R = ${m('_ring_len')};`,
      `  const ss::Spikes spikes = populations[${pre.index}].emitted(s, 1);`,
      ...spikeLoop(`{${m('_row_ptr')}}`, m('_col')),
      `      const int64_t j = ${m('_col')}[k];`,
      `      real &slot = ${m('_ring')}[((s - 1 + ${m('_delay')}[k]) % R) * ${post.size} + j];`,
      ...randomDraws(randomSites(proj.model.preSpike.map((st) => st.value)), ctx, proj.streams.random, 'k').map((l) => `      ${l}`),
      ...proj.model.preSpike.map((st) => `      slot += ${emitCpp(st.value, ctx)};`),
      '    }',
      '  }',
      `  real *slot = ${m('_ring')} + (s % R) * ${post.size};`,
      `  for (int64_t j = 0; j < ${post.size}; ++j) { ${g}[j] += slot[j]; slot[j] = 0; }`,
      '}',
    ];
  }
  const head = [
    `void deliver_j${proj.index}(int64_t s) {`,
    `  const ss::Spikes spikes = populations[${pre.index}].emitted(s, ${m('_delay')});`,
    '  if (spikes.empty()) return;',
  ];
  const locals = [
    '  const double t = double(s) * dt; (void)t;',
    `  const bool learning = ${m('learning')}[0] != 0; (void)learning;`,
    ...constantLocals(x.ir).map((l) => `  ${l}`),
  ];
  if (!splitsByTarget(proj)) {
    return [
      ...head,
      ...locals,
      ...spikeLoop(`{${m('_row_ptr')}}`, m('_col')),
      `      const int64_t j = ${m('_col')}[k]; (void)j;`,
      ...eventBody(x, ctx, proj.model.preSpike).map((l) => `      ${l}`),
      '    }',
      '  }',
      '}',
    ];
  }
  // Each thread walks its own part of every spike's row, the synapses onto its slice of
  // postsynaptic neurons (row_splits): every neuron still sums its input in spike order.
  const local = context(names(x, x.ir, true));
  return [
    ...head,
    '  int64_t jb, je;',
    `  ss::target_range(${post.size}, jb, je);`,
    '  if (jb == je) return;',
    ...locals,
    ...sharedLocals(x).map((l) => `  ${l}`),
    `  const int32_t *__restrict col = ${m('_col')};`,
    ...spikeLoop(`row_splits[${proj.index}].part()`, 'col'),
    '      const int64_t j = col[k];',
    ...eventBody(x, local, proj.model.preSpike).map((l) => `      ${l}`),
    '    }',
    '  }',
    '}',
  ];
}

// The loops over the spikes being delivered (bound to \`spikes\`), each spike as \`i\`, and over
// the synapses \`k\` of the given part of its row; the caller closes both.
function spikeLoop(rows: string, col: string): string[] {
  return [
    `  const ss::RowPart rows = ${rows};`,
    '  for (int64_t n = 0; n < spikes.count; ++n) {',
    `    ss::prefetch_rows(rows, ${col}, spikes, n);`,
    '    const int32_t i = spikes.data[n];',
    '    for (int64_t k = rows.begin(i), end = rows.end(i); k < end; ++k) {',
  ];
}

// Delivery can be split between threads by postsynaptic neuron when a spike only adds to its
// targets' conductances (nothing learned, nothing presynaptic written) and arrives after one
// uniform delay.
function splitsByTarget(proj: ProjectionIR): boolean {
  return proj.delays === 'uniform' && !proj.model.variables.some((v) => v.eventDriven) && proj.model.preSpike.every(isConductance);
}

function psp(x: Shape, ctx: ReturnType<typeof context>): string[] {
  const { m, proj, pre, post } = x;
  if (!proj.model.psp) return [];
  return [
    `void psp_j${proj.index}(int64_t s) {`,
    '  const double t = double(s) * dt; (void)t;',
    ...constantLocals(x.ir).map((l) => `  ${l}`),
    `  real *sum = ${popMember(post, `sum_${proj.target}`)};`,
    `  for (int64_t i = 0; i < ${pre.size}; ++i) {`,
    `    for (int64_t k = ${m('_row_ptr')}[i]; k < ${m('_row_ptr')}[i + 1]; ++k) {`,
    `      const int64_t j = ${m('_col')}[k];`,
    ...randomDraws(randomSites([proj.model.psp]), ctx, proj.streams.random, 'k').map((l) => `      ${l}`),
    `      sum[j] += ${emitCpp(proj.model.psp, ctx)};`,
    '    }',
    '  }',
    '}',
  ];
}

function synapseEquations(x: Shape, ctx: ReturnType<typeof context>): string[] {
  const { m, proj, pre } = x;
  const continuous = proj.model.variables.filter((v) => !v.eventDriven);
  if (!continuous.length) return [];
  const plan = integrate(proj.model.variables, { modelKind: 'synapse', model: proj.model.name }).steps;
  const sites = randomSites(plan.map((p) => p.value));
  return [
    `void equations_j${proj.index}(int64_t s) {`,
    `  if (${m('learning')}[0] == 0) return;`,
    '  const double t = double(s) * dt; (void)t;',
    `  ss::parallel_ranges(${pre.size}, [&](int64_t b, int64_t e) {`,
    ...constantLocals(x.ir).map((l) => `    ${l}`),
    '    for (int64_t i = b; i < e; ++i) {',
    `      for (int64_t k = ${m('_row_ptr')}[i]; k < ${m('_row_ptr')}[i + 1]; ++k) {`,
    `        const int64_t j = ${m('_col')}[k]; (void)j;`,
    ...randomDraws(sites, ctx, proj.streams.random, 'k').map((l) => `        ${l}`),
    ...plan.map((p) => `        ${p.kind === 'temp' ? `const real ${p.name} = ${emitCpp(p.value, ctx)};` : `${ctx.identifier(undefined, p.variable)} = ${emitCpp(p.value, ctx)};`}`),
    '      }',
    '    }',
    '  });',
    '}',
  ];
}

function postEvents(x: Shape, ctx: ReturnType<typeof context>): string[] {
  const { m, proj, post } = x;
  if (!x.hasPostIndex) return [];
  return [
    `void post_j${proj.index}(int64_t s) {`,
    `  const ss::Spikes spikes = populations[${post.index}].spiked;`,
    '  if (spikes.empty()) return;',
    '  const double t = double(s) * dt; (void)t;',
    `  const bool learning = ${m('learning')}[0] != 0; (void)learning;`,
    ...constantLocals(x.ir).map((l) => `  ${l}`),
    '  for (int32_t j : spikes) {',
    `    for (int64_t c = ${m('_post_ptr')}[j]; c < ${m('_post_ptr')}[j + 1]; ++c) {`,
    `      const int64_t k = ${m('_post_syn')}[c];`,
    `      const int64_t i = ${m('_post_pre')}[c]; (void)i;`,
    ...eventBody(x, ctx, proj.model.postSpike).map((l) => `      ${l}`),
    '    }',
    '  }',
    '}',
  ];
}

/** A call of the delivery phase; `everyThread`: made by every thread of a team (split by target). */
export interface DeliveryCall { call: string; everyThread: boolean }

export interface ProjectionCode extends CodeParts {
  /** Calls for each phase of a step, in the order step_once runs them. */
  phases: { deliver: DeliveryCall[]; afterNeurons: string[]; postEvents: string[] };
}

export function emitProjection(proj: ProjectionIR, ir: NetworkIR): ProjectionCode {
  const x = shape(proj, ir);
  const ctx = context(names(x, ir));
  const parts = { deliver: deliver(x, ctx), psp: psp(x, ctx), equations: synapseEquations(x, ctx), post: postEvents(x, ctx) };
  return {
    members: members(x),
    create: create(x),
    methods: [...parts.deliver, ...parts.psp, ...parts.equations, ...parts.post],
    phases: {
      deliver: [
        ...(parts.deliver.length ? [{ call: `deliver_j${proj.index}(s);`, everyThread: splitsByTarget(proj) }] : []),
        ...(parts.psp.length ? [{ call: `psp_j${proj.index}(s);`, everyThread: false }] : []),
      ],
      afterNeurons: parts.equations.length ? [`equations_j${proj.index}(s);`] : [],
      postEvents: parts.post.length ? [`post_j${proj.index}(s);`] : [],
    },
  };
}
