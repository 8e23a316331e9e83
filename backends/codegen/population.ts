// Neuron kernels: per-population arrays, their initialisation, and the update of one step —
// a branch-free loop integrating the equations (vectorisable), then a loop testing the spike
// condition, applying the reset and the refractory period (ANNarchy's order and semantics:
// while refractory only the conductances g_* evolve).
import { integrate, type Expr, type NeuronModel, type Statement, type UpdateStep } from '../../network/equations/index.js';
import type { NetworkIR, PopulationIR } from '../../network/ir/ir.js';
import { constMember, popMember, quote } from './cpp.js';
import { context, emitConditionCpp, emitCpp, emitStatementCpp, randomDraws, randomSites } from './expressions.js';
import { isInvariantExpr, ReciprocalHoister } from './invariants.js';

export interface CodeParts {
  members: string[];
  create: string[];
  methods: string[];
}

const STATE_SETTABLE = 'SS_ARRAY_STATE | SS_ARRAY_SETTABLE';

function attrArrays(pop: PopulationIR): string[] {
  const lines = pop.attrs.map((a) =>
    `S->${popMember(pop, a.name)} = S->store.add<real>(${quote(`${pop.name}.${a.name}`)}, ${a.shared ? 1 : pop.size}, ${STATE_SETTABLE});\n` +
    `  ss::fill_from(S->${popMember(pop, a.name)}, ${a.shared ? 1 : pop.size}, ss::dist_at(V + ${a.slot}), a->seed, ${a.stream}u);`);
  const declared = new Set(pop.attrs.map((a) => a.name));
  for (const g of pop.conductances.filter((g) => !declared.has(g)))
    lines.push(`S->${popMember(pop, g)} = S->store.add<real>(${quote(`${pop.name}.${g}`)}, ${pop.size}, ${STATE_SETTABLE});`);
  for (const target of pop.sums)
    lines.push(`S->${popMember(pop, `sum_${target}`)} = S->store.add<real>(${quote(`${pop.name}.sum(${target})`)}, ${pop.size}, SS_ARRAY_STATE);`);
  return lines;
}

function commonArrays(pop: PopulationIR): string[] {
  return [
    `S->${popMember(pop, '_last_spike')} = S->store.add<int64_t>(${quote(`${pop.name}._last_spike`)}, ${pop.size}, SS_ARRAY_STATE, int64_t(-1));`,
    `S->${popMember(pop, '_refractory_left')} = S->store.add<int32_t>(${quote(`${pop.name}._refractory_left`)}, ${pop.size}, SS_ARRAY_STATE);`,
    ...(pop.refractory
      ? [`S->${popMember(pop, 'refractory')} = S->store.add<real>(${quote(`${pop.name}.refractory`)}, ${pop.size}, SS_ARRAY_SETTABLE);`,
         `ss::fill_from(S->${popMember(pop, 'refractory')}, ${pop.size}, ss::dist_at(V + ${pop.refractory.slot}), a->seed, ${pop.refractory.stream}u);`]
      : []),
  ];
}

function members(pop: PopulationIR): string[] {
  const names = [...pop.attrs.map((a) => a.name), ...pop.conductances.filter((g) => !pop.attrs.some((a) => a.name === g)),
    ...pop.sums.map((t) => `sum_${t}`), ...(pop.refractory ? ['refractory'] : [])];
  return [
    `// population ${pop.index}: ${pop.name} (${pop.size})`,
    ...[...new Set(names)].map((n) => `real *${popMember(pop, n)} = nullptr;`),
    `int64_t *${popMember(pop, '_last_spike')} = nullptr;`,
    `int32_t *${popMember(pop, '_refractory_left')} = nullptr;`,
  ];
}

// Statements' and expressions' assigned names, so shared values read-only in a kernel can be
// hoisted into locals (lets the compiler vectorise the loop).
function assignedNames(model: NeuronModel, plan: UpdateStep[], reset: Statement[]): Set<string> {
  return new Set([...plan.flatMap((p) => (p.kind === 'assign' ? [p.variable] : [])), ...reset.map((s) => s.target.name), ...model.conductances]);
}

export function emitPopulation(pop: PopulationIR, ir: NetworkIR): CodeParts {
  if (!pop.model) return emitSpikeSource(pop);
  const model = pop.model;
  const rawPlan = integrate(model.variables, { modelKind: 'neuron', model: model.name }).steps;
  const assigned = assignedNames(model, rawPlan, model.reset);
  const hasRefractory = model.refractory !== undefined;
  // A byte per neuron counts the refractory steps down (refractory.hpp).
  const refr = 'l__refractory';
  const shared = new Set(pop.attrs.filter((a) => a.shared).map((a) => a.name));
  const local = (name: string) => `l_${name}`;
  const hoisted = [...shared].filter((n) => !assigned.has(n));
  const names = {
    precision: ir.precision,
    ident: (_scope: 'pre' | 'post' | undefined, name: string) => {
      if (name === 't' || name === 'dt') return name;
      if (ir.constants.includes(name) && !pop.attrs.some((a) => a.name === name) && !pop.conductances.includes(name)) return `k_${name}`;
      if (hoisted.includes(name)) return local(name);
      return shared.has(name) ? `${local(name)}[0]` : `${local(name)}[i]`;
    },
    sum: (target: string) => `${local(`sum_${target}`)}[i]`,
  };
  const ctx = context(names);
  const invariant = (n: string) => n === 'dt' || hoisted.includes(n) || (ir.constants.includes(n) && !pop.attrs.some((a) => a.name === n));
  const hoister = new ReciprocalHoister((e) => isInvariantExpr(e, invariant));
  const plan = rawPlan.map((step) => ({ ...step, value: hoister.rewrite(step.value) }));
  const arrays = [...new Set([...pop.attrs.map((a) => a.name), ...pop.conductances, ...pop.sums.map((t) => `sum_${t}`)])];
  const pointerLocals = arrays.filter((n) => !hoisted.includes(n)).map((n) => `real *__restrict ${local(n)} = ${popMember(pop, n)};`);
  const valueLocals = [
    // Members read through `this` would be reloaded after every byte store (char may alias them),
    // which stops vectorisation: kernels read them once.
    'const double dt = this->dt;',
    'const uint64_t seed = this->seed; (void)seed;',
    ...hoisted.map((n) => `const real ${local(n)} = ${popMember(pop, n)}[0];`),
    ...constantLocals(ir),
    ...hoister.reciprocals.map((r) => `const real ${r.name} = real(1) / (${emitCpp(r.divisor, ctx)});`),
    ...(hasRefractory ? [`uint8_t *__restrict ${refr} = populations[${pop.index}].refractory.steps.data();`] : []),
    `int64_t *__restrict l__last_spike = ${popMember(pop, '_last_spike')};`,
    `uint8_t *__restrict l__fire = populations[${pop.index}].fire.data();`,
  ];
  const frozen = (name: string) => hasRefractory && !name.startsWith('g_');

  const exprs: Expr[] = plan.map((p) => p.value);
  const sites = randomSites([...exprs, ...(model.spike ? [model.spike] : []), ...model.reset.map((r) => r.value)]);
  const update = [
    ...(hasRefractory ? [`const bool _active = ${refr}[i] == 0;`] : []),
    ...randomDraws(sites, ctx, pop.randomStream, 'i'),
    ...plan.map((step) => {
      const value = emitCpp(step.value, ctx);
      if (step.kind === 'temp') return `const real ${step.name} = ${value};`;
      // A frozen (refractory) neuron keeps its value; conductances g_* always evolve.
      const target = names.ident(undefined, step.variable);
      return frozen(step.variable) ? `${target} = _active ? real(${value}) : ${target};` : `${target} = ${value};`;
    }),
    ...(hasRefractory ? [`${refr}[i] -= _active ? 0 : 1;`] : []),
    ...(model.spike ? [`l__fire[i] = ${hasRefractory ? `(${refr}[i] == 0) & ` : ''}(${emitConditionCpp(model.spike, ctx)});`] : []),
  ];
  const refractorySteps = !hasRefractory ? '' : pop.refractory
    ? `std::llround(double(${popMember(pop, 'refractory')}[i]) / dt)`
    : `std::llround(double(${emitCpp(model.refractory!, ctx)}) / dt)`;
  const implicit = pop.conductances.filter((g) => !model.variables.some((v) => v.name === g));
  // Draws are counter-based, so re-drawing a site here gives the value the update loop used.
  const resetDraws = randomDraws(randomSites(model.reset.map((r) => r.value)), ctx, pop.randomStream, 'i');
  // The spike condition is evaluated in the vectorised update loop into a byte per neuron; spikes
  // are rare, so the scan below skips eight silent neurons per word.
  const spikeLoop = model.spike ? [
    'for (int64_t i0 = b; i0 < e; i0 += 8) {',
    '  uint64_t word;',
    '  std::memcpy(&word, l__fire + i0, 8);',
    '  if (word == 0) continue;',
    '  for (int64_t i = i0; i < std::min<int64_t>(i0 + 8, e); ++i) {',
    '    if (!l__fire[i]) continue;',
    ...resetDraws.map((l) => `    ${l}`),
    ...model.reset.map((r) => `    ${emitStatementCpp(r, ctx)}`),
    ...(hasRefractory ? [`    populations[${pop.index}].refractory.start(int32_t(i), ${refractorySteps}, ss::team_thread());`] : []),
    `    ${local('_last_spike')}[i] = s;`,
    '    out.push_back(int32_t(i));',
    '  }',
    '}',
  ] : [];
  // Conductances the model does not integrate hold one step of input (ANNarchy resets them).
  const clearInputs = implicit.length ? ['for (int64_t i = b; i < e; ++i) {', ...implicit.map((g) => `  ${local(g)}[i] = 0;`), '}'] : [];
  const stop = pop.stop ? emitConditionCpp(pop.stop.condition, ctx) : null;
  const methods = [
    `void update_p${pop.index}(int64_t s) {`,
    '  const double t = double(s) * dt;',
    `  ss::update_population(populations[${pop.index}], delivered, s, [&](int64_t b, int64_t e, std::vector<int32_t> &out) {`,
    ...[...pointerLocals, ...valueLocals].map((l) => `    ${l}`),
    ...(hasRefractory ? [`    populations[${pop.index}].refractory.top_up(b, e);`] : []),
    '    for (int64_t i = b; i < e; ++i) {',
    ...update.map((l) => `      ${l}`),
    '    }',
    ...[...spikeLoop, ...clearInputs].map((l) => `    ${l}`),
    '  });',
    '}',
    ...(stop ? [
      `bool stop_p${pop.index}(bool any) {`,
      '  const int64_t s = step;',
      '  const double t = double(s) * dt;',
      ...[...pointerLocals, ...valueLocals].map((l) => `  ${l}`),
      `  for (int64_t i = 0; i < ${pop.size}; ++i) {`,
      ...randomDraws(sites.filter((r) => usesSite(pop.stop!.condition, r.site)), ctx, pop.randomStream, 'i').map((l) => `    ${l}`),
      `    const bool holds = ${stop};`,
      '    if (any && holds) return true;',
      '    if (!any && !holds) return false;',
      '  }',
      '  return !any;',
      '}',
    ] : []),
  ];
  return {
    members: members(pop),
    create: [...attrArrays(pop), ...commonArrays(pop)],
    methods,
  };
}

function usesSite(e: Expr, site: number): boolean {
  return randomSites([e]).some((r) => r.site === site);
}

// Network constants are read once per kernel call into locals named k_<name>.
export function constantLocals(ir: NetworkIR): string[] {
  return ir.constants.map((c) => `const real k_${c} = ${constMember(c)}[0]; (void)k_${c};`);
}

// SpikeSourceArray: each neuron emits at the steps of its sorted spike-time list.
function emitSpikeSource(pop: PopulationIR): CodeParts {
  const m = (n: string) => popMember(pop, n);
  return {
    members: [
      `// population ${pop.index}: ${pop.name} (${pop.size}, spike source)`,
      `int64_t *${m('_last_spike')} = nullptr;`,
      `int32_t *${m('_refractory_left')} = nullptr;`,
      `int64_t *${m('_cursor')} = nullptr;`,
      `int64_t *${m('_times_ptr')} = nullptr;`,
      `int64_t *${m('_times')} = nullptr;`,
    ],
    create: [
      ...commonArrays(pop),
      `{`,
      `  const ss_input *counts = ss::find_input(a, ${quote(`${pop.name}.spike_counts`)});`,
      `  const ss_input *times = ss::find_input(a, ${quote(`${pop.name}.spike_times`)});`,
      `  if (!counts || !times || counts->length != ${pop.size}) throw std::runtime_error(${quote(`population '${pop.name}': spike times missing`)});`,
      `  std::vector<int64_t> ptr(${pop.size + 1}, 0), steps(size_t(times->length));`,
      `  for (int64_t i = 0; i < ${pop.size}; ++i) ptr[size_t(i + 1)] = ptr[size_t(i)] + static_cast<const int32_t *>(counts->data)[i];`,
      `  for (int64_t k = 0; k < times->length; ++k) steps[size_t(k)] = std::llround(static_cast<const double *>(times->data)[k] / S->dt);`,
      `  S->${m('_times_ptr')} = S->store.adopt<int64_t>(${quote(`${pop.name}._times_ptr`)}, std::move(ptr), 0);`,
      `  S->${m('_times')} = S->store.adopt<int64_t>(${quote(`${pop.name}._times`)}, std::move(steps), 0);`,
      `  S->${m('_cursor')} = S->store.add<int64_t>(${quote(`${pop.name}._cursor`)}, ${pop.size}, SS_ARRAY_STATE);`,
      // Each neuron walks its own slice of the time list.
      `  std::copy(S->${m('_times_ptr')}, S->${m('_times_ptr')} + ${pop.size}, S->${m('_cursor')});`,
      `}`,
    ],
    methods: [
      `void update_p${pop.index}(int64_t s) {`,
      `  ss::update_population(populations[${pop.index}], delivered, s, [&](int64_t b, int64_t e, std::vector<int32_t> &out) {`,
      '    for (int64_t i = b; i < e; ++i) {',
      `      int64_t c = ${m('_cursor')}[i];`,
      `      const int64_t end = ${m('_times_ptr')}[i + 1];`,
      `      while (c < end && ${m('_times')}[c] < s) ++c;`,
      `      if (c < end && ${m('_times')}[c] == s) { out.push_back(int32_t(i)); ${m('_last_spike')}[i] = s; ++c; }`,
      `      ${m('_cursor')}[i] = c;`,
      '    }',
      '  });',
      '}',
    ],
  };
}
