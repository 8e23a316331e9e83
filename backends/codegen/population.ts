// Neuron kernels of one population: its arrays and their initialisation, the model math as inline
// functions of one neuron (math.ts) — the step (integrating the equations, the refractory
// countdown, the spike condition into a flag) and the reset — and the pieces every schedule wraps
// around them: the kernel's locals, the scan for spikes that applies the reset and starts the
// refractory period (or, where spikes are gathered on a device, what each spiking neuron does), the
// inputs cleared after the update, the stop condition. ANNarchy's order and
// semantics: while refractory only the conductances g_* evolve.
import { integrate, type Expr, type NeuronModel, type Statement, type UpdateStep } from '../../network/equations/index.js';
import type { NetworkIR, PopulationIR } from '../../network/ir/ir.js';
import { constMember, popMember, quote } from './cpp.js';
import { context, emitConditionCpp, emitCpp, emitStatementCpp, randomDraws, randomSites, type KernelNames } from './expressions.js';
import { isInvariantExpr, ReciprocalHoister } from './invariants.js';
import { callMath, defineMath, MathBinder, type MathFunction } from './math.js';

export interface CodeParts {
  members: string[];
  create: string[];
  /** Inline math functions (math.ts), at namespace scope before the Sim. */
  math: string[];
}

/** What a CPU schedule needs to update a population over neurons [b, e) of step s. */
export interface NeuronKernel {
  /** Locals read once per kernel call (array pointers, hoisted values, reciprocals). */
  locals: string[];
  /** Before the loop over [b, e): the refractory countdown's bytes of the range. */
  prepare: string[];
  /** The loop body for neuron i (a math call), or the spike source's own body. */
  step: string[];
  /** After the loop: neurons that fired are reset and pushed to `out`; `thread` is the updating thread's index (host spikes only). */
  spikes: (thread: string) => string[];
  /** Device spikes: what neuron i that fired at step s does — reset, refractory start, last spike; empty for a spike source, whose step does it. */
  fired: string[];
  /** After the spikes, for neuron i: inputs that hold one step are cleared. */
  clear: string[];
}

export interface PopulationCode extends CodeParts {
  kernel: NeuronKernel;
  /** stop_p<N>(any) as a Sim method, when the population has a stop condition. */
  stop: string[];
}

/**
 * Where a population's spikes are found. Either way the step sets a byte per neuron. 'host': the
 * refractory countdown runs in bytes (refractory.hpp), and spikes() scans the bytes on the host.
 * 'device': the bytes are `p<N>__fire` (an array the schedule provides), the countdown runs in the
 * store's int32 `_refractory_left` itself, and the schedule gathers the flags and runs `fired` for
 * each spiking neuron where the flags are.
 */
export type SpikeStage = 'host' | 'device';

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

export function emitPopulation(pop: PopulationIR, ir: NetworkIR, stage: SpikeStage = 'host'): PopulationCode {
  if (!pop.model) return emitSpikeSource(pop, stage);
  const model = pop.model;
  const rawPlan = integrate(model.variables, { modelKind: 'neuron', model: model.name }).steps;
  const assigned = assignedNames(model, rawPlan, model.reset);
  const hasRefractory = model.refractory !== undefined;
  // The refractory countdown: bytes on the host (refractory.hpp), int32 on the device.
  const refr = 'l__refractory';
  const counter = stage === 'device' ? 'int32_t' : 'uint8_t';
  const shared = new Set(pop.attrs.filter((a) => a.shared).map((a) => a.name));
  const local = (name: string) => `l_${name}`;
  const hoisted = [...shared].filter((n) => !assigned.has(n));
  // How the schedule's kernel names things: its locals, hoisted values and array elements at i.
  const names: KernelNames = {
    precision: ir.precision,
    ident: (_scope, name) => {
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
    ...(hasRefractory ? [`${counter} *__restrict ${refr} = ${stage === 'device' ? popMember(pop, '_refractory_left') : `populations[${pop.index}].refractory.steps.data()`};`] : []),
    `int64_t *__restrict l__last_spike = ${popMember(pop, '_last_spike')};`,
    `uint8_t *__restrict l__fire = ${stage === 'device' ? popMember(pop, '_fire') : `populations[${pop.index}].fire.data()`};`,
  ];
  const frozen = (name: string) => hasRefractory && !name.startsWith('g_');
  const sites = randomSites([...plan.map((p) => p.value), ...(model.spike ? [model.spike] : []), ...model.reset.map((r) => r.value)]);

  // The step of neuron i: integrate, count the refractory period down, test the spike condition.
  const step = new MathBinder(ir.precision);
  const inStep = context(step.names(names));
  hoister.reciprocals.forEach((r) => step.bind(r.name, r.name, { exact: true }));
  const active = hasRefractory ? step.bind(`${refr}[i]`, 'refractory_steps', { type: `${counter} &` }) : '';
  // Idle at 0. An int32 countdown may also hold a negative period (a `refractory` expression below
  // 0), which the byte countdown treats as idle too: it leaves it in `_refractory_left`.
  const idle = stage === 'device' ? `${active} <= 0` : `${active} == 0`;
  const stepBody = [
    // The byte's test before the countdown is spelled per target by the runtime, so that the loop
    // vectorises with AVX-512 too (sim.hpp).
    ...(hasRefractory ? [`const bool _active = ${stage === 'device' ? idle : `ss::refractory_over(${active})`};`] : []),
    ...randomDraws(sites, inStep, pop.randomStream, 'i'),
    ...plan.map((p) => {
      const value = emitCpp(p.value, inStep);
      if (p.kind === 'temp') return `const real ${p.name} = ${value};`;
      // A frozen (refractory) neuron keeps its value; conductances g_* always evolve.
      const target = inStep.identifier(undefined, p.variable);
      return frozen(p.variable) ? `${target} = _active ? real(${value}) : ${target};` : `${target} = ${value};`;
    }),
    ...(hasRefractory ? [`${active} -= _active ? 0 : 1;`] : []),
  ];
  if (model.spike) {
    const condition = emitConditionCpp(model.spike, inStep);
    const fire = step.bind('l__fire[i]', 'fire', { type: 'uint8_t &' });
    stepBody.push(`${fire} = ${hasRefractory ? `(${idle}) & ` : ''}(${condition});`);
  }
  const stepFn: MathFunction = { name: `p${pop.index}_step`, returns: 'void', indices: ['i'], params: step.params, body: stepBody };

  // The reset of neuron i after a spike; returns the refractory period in steps.
  const reset = new MathBinder(ir.precision);
  const inReset = context(reset.names(names));
  const refractorySteps = !hasRefractory ? '0' : pop.refractory
    ? `ss::steps_of(double(${reset.bind(`${popMember(pop, 'refractory')}[i]`, 'refractory')}), dt)`
    : `ss::steps_of(double(${emitCpp(model.refractory!, inReset)}), dt)`;
  // Draws are counter-based, so re-drawing a site here gives the value the step used.
  const resetFn: MathFunction = {
    name: `p${pop.index}_reset`, returns: 'int64_t', indices: ['i'], params: reset.params,
    body: [
      ...randomDraws(randomSites(model.reset.map((r) => r.value)), inReset, pop.randomStream, 'i'),
      ...model.reset.map((r) => emitStatementCpp(r, inReset)),
      `return ${refractorySteps};`,
    ],
  };

  const implicit = pop.conductances.filter((g) => !model.variables.some((v) => v.name === g));
  // The spike condition was evaluated in the vectorised loop into a byte per neuron; spikes are
  // rare, so the scan skips eight silent neurons per word.
  const spikes = (thread: string) => !model.spike ? [] : [
    'for (int64_t i0 = b; i0 < e; i0 += 8) {',
    '  uint64_t word;',
    '  std::memcpy(&word, l__fire + i0, 8);',
    '  if (word == 0) continue;',
    '  for (int64_t i = i0; i < std::min<int64_t>(i0 + 8, e); ++i) {',
    '    if (!l__fire[i]) continue;',
    `    ${hasRefractory ? `const int64_t refractory_steps = ` : ''}${callMath(resetFn)};`,
    ...(hasRefractory ? [`    populations[${pop.index}].refractory.start(int32_t(i), refractory_steps, ${thread});`] : []),
    `    ${local('_last_spike')}[i] = s;`,
    '    out.push_back(int32_t(i));',
    '  }',
    '}',
  ];
  // A period beyond int32 is clamped as Refractory::start clamps it.
  const fired = !model.spike || stage === 'host' ? [] : [
    ...(hasRefractory
      ? [`const int64_t refractory_steps = ${callMath(resetFn)};`,
         `${refr}[i] = refractory_steps > INT32_MAX ? INT32_MAX : refractory_steps < INT32_MIN ? INT32_MIN : int32_t(refractory_steps);`]
      : [`${callMath(resetFn)};`]),
    `${local('_last_spike')}[i] = s;`,
  ];
  const stop = pop.stop ? stopCondition(pop, ir, pop.stop.condition, names, sites, [...pointerLocals, ...valueLocals]) : { math: [], method: [] };
  return {
    members: members(pop),
    create: [...attrArrays(pop), ...commonArrays(pop)],
    math: [...defineMath(stepFn), ...(model.spike ? defineMath(resetFn) : []), ...stop.math],
    kernel: {
      locals: [...pointerLocals, ...valueLocals],
      prepare: hasRefractory && stage === 'host' ? [`populations[${pop.index}].refractory.top_up(b, e);`] : [],
      step: [`${callMath(stepFn)};`],
      spikes,
      fired,
      // Conductances the model does not integrate hold one step of input (ANNarchy resets them).
      clear: implicit.map((g) => `${local(g)}[i] = 0;`),
    },
    stop: stop.method,
  };
}

// Whether the population's stop condition holds for any or all of its neurons (run on one thread
// at the end of a step, so every schedule shares it).
function stopCondition(pop: PopulationIR, ir: NetworkIR, condition: Expr, names: KernelNames, sites: ReturnType<typeof randomSites>, locals: string[]): { math: string[]; method: string[] } {
  const holds = new MathBinder(ir.precision);
  const inHolds = context(holds.names(names));
  const fn: MathFunction = {
    name: `p${pop.index}_stop_holds`, returns: 'bool', indices: ['i'], params: holds.params,
    body: [
      ...randomDraws(sites.filter((r) => randomSites([condition]).some((x) => x.site === r.site)), inHolds, pop.randomStream, 'i'),
      `return ${emitConditionCpp(condition, inHolds)};`,
    ],
  };
  return {
    math: defineMath(fn),
    method: [
      `bool stop_p${pop.index}(bool any) {`,
      '  const int64_t s = step;',
      '  const double t = double(s) * dt;',
      ...locals.map((l) => `  ${l}`),
      `  for (int64_t i = 0; i < ${pop.size}; ++i) {`,
      `    const bool holds = ${callMath(fn)};`,
      '    if (any && holds) return true;',
      '    if (!any && !holds) return false;',
      '  }',
      '  return !any;',
      '}',
    ],
  };
}

// Network constants are read once per kernel call into locals named k_<name>.
export function constantLocals(ir: NetworkIR): string[] {
  return ir.constants.map((c) => `const real k_${c} = ${constMember(c)}[0]; (void)k_${c};`);
}

// SpikeSourceArray: each neuron emits at the steps of its sorted spike-time list (no model math).
function emitSpikeSource(pop: PopulationIR, stage: SpikeStage): PopulationCode {
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
      `  for (int64_t k = 0; k < times->length; ++k) steps[size_t(k)] = ss::steps_of(static_cast<const double *>(times->data)[k], S->dt);`,
      `  S->${m('_times_ptr')} = S->store.adopt<int64_t>(${quote(`${pop.name}._times_ptr`)}, std::move(ptr), 0);`,
      `  S->${m('_times')} = S->store.adopt<int64_t>(${quote(`${pop.name}._times`)}, std::move(steps), 0);`,
      `  S->${m('_cursor')} = S->store.add<int64_t>(${quote(`${pop.name}._cursor`)}, ${pop.size}, SS_ARRAY_STATE);`,
      // Each neuron walks its own slice of the time list.
      `  std::copy(S->${m('_times_ptr')}, S->${m('_times_ptr')} + ${pop.size}, S->${m('_cursor')});`,
      `}`,
    ],
    math: [],
    kernel: {
      locals: [],
      prepare: [],
      step: [
        `int64_t c = ${m('_cursor')}[i];`,
        `const int64_t end = ${m('_times_ptr')}[i + 1];`,
        `while (c < end && ${m('_times')}[c] < s) ++c;`,
        `const bool fired = c < end && ${m('_times')}[c] == s;`,
        `if (fired) { ${m('_last_spike')}[i] = s; ++c; }`,
        `${m('_cursor')}[i] = c;`,
        stage === 'device' ? `${m('_fire')}[i] = fired;` : 'if (fired) out.push_back(int32_t(i));',
      ],
      spikes: () => [],
      fired: [],
      clear: [],
    },
    stop: [],
  };
}
