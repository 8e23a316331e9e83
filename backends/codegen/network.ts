// Assembles the C++ translation unit of one network structure for a CPU schedule: the model math
// (inline functions of one element, math.ts), a Sim class deriving from the hand-written runtime
// (native/runtime) whose step the schedule writes, its create() reading runtime values, and the
// fixed C interface (native/runtime/spikesweep/abi.cpp, linked in). Emitted only from the IR; no
// user text reaches it verbatim.
import type { NetworkIR } from '../../network/ir/ir.js';
import { BOLD_SOURCE_FUNCTION, emitBoldInput } from './bold.js';
import { constMember, indent, popMember, projMember, quote } from './cpp.js';
import { callMath } from './math.js';
import { emitPopulation, type PopulationCode, type SpikeStage } from './population.js';
import { emitProjection, type ProjectionCode } from './projection.js';

/** A network's generated parts, for a schedule to arrange. */
export interface NetworkCode {
  ir: NetworkIR;
  populations: PopulationCode[];
  projections: ProjectionCode[];
  /** Statements clearing every sum(target) before the step's continuous input is summed. */
  zeroSums: string[];
  /** Populations that are BOLD monitors' units: each has input_p<N>(s), called on one thread after psp. */
  boldInputs: number[];
  /** The call of one block of the step (e.g. `update_p0(s)`), timed while profiling is on. */
  call(block: StepBlock, index: number): string;
}

/** A block of the step a schedule calls: a population's update, a projection's delivery, psp or synaptic equations. */
export type StepBlock = 'update' | 'deliver' | 'psp' | 'input' | 'equations';

const BLOCK_METHOD: Record<StepBlock, string> = { update: 'update_p', deliver: 'deliver_j', psp: 'psp_j', input: 'input_p', equations: 'equations_j' };
/** The Sim method of a block of the step, e.g. `update_p0`. */
export const blockMethod = (block: StepBlock, index: number): string => `${BLOCK_METHOD[block]}${index}`;
const BLOCK_NAME: Record<StepBlock, string> = { update: 'update', deliver: 'delivery', psp: 'psp', input: 'BOLD input', equations: 'synaptic equations' };

// The blocks profiling names, in step order: deliveries and psp, BOLD inputs, updates, synaptic equations.
function stepBlocks(ir: NetworkIR, projs: ProjectionCode[]): { block: StepBlock; index: number; name: string }[] {
  const of = (block: StepBlock, index: number, owner: string) => ({ block, index, name: `${owner}: ${BLOCK_NAME[block]}` });
  return [
    ...ir.projections.flatMap((j) => [...(projs[j.index].preEvent ? [of('deliver', j.index, j.name)] : []), ...(projs[j.index].psp ? [of('psp', j.index, j.name)] : [])]),
    ...ir.populations.filter((p) => p.bold).map((p) => of('input', p.index, p.name)),
    ...ir.populations.map((p) => of('update', p.index, p.name)),
    ...ir.projections.filter((j) => projs[j.index].equationRows.length).map((j) => of('equations', j.index, j.name)),
  ];
}

/** How a backend runs a step on the CPU: the Sim methods it calls and step_once's body. */
export interface CpuSchedule {
  /** Headers of the backend's runtime the schedule uses, after the shared runtime. */
  includes: string[];
  /** Where spikes are gathered (population.ts); 'device' schedules provide `p<N>__fire` and gather, reset and record them. Default 'host'. */
  spikeStage?: SpikeStage;
  /** Sim members: the schedule's state and its overrides of SimBase (set_threads, begin_run, end_step…). */
  members(code: NetworkCode): string[];
  /** Plain data the schedule's kernels read, declared with the network's arrays in Members; none when absent. */
  kernelMembers?(code: NetworkCode): string[];
  /** Declarations between Members and the Sim (the cuda schedule's resident copy); none when absent. */
  beforeSim?(code: NetworkCode): string[];
  /**
   * Whether a batch's copies may hold one read-only connectivity (SimBase::share_read_only): only
   * when the schedule's kernels reach those arrays through the Sim's members alone, never through
   * a pointer of their own taken at create.
   */
  sharesReadOnly?: boolean;
  /** Lines of create() before anything is allocated (`S`: the Sim, `a`: ss_create_args); none when absent. */
  setup?(): string[];
  /** Lines of create() once connectivity and populations exist (`S`: the Sim). */
  create(code: NetworkCode): string[];
  /** Methods of the Sim: each population's update_p<N>(s), each projection's deliver_j<N>(s), psp_j<N>(s) and equations_j<N>(s). */
  methods(code: NetworkCode): string[];
  /**
   * step_once()'s body: deliveries (zeroSums, deliver_j, psp_j), BOLD inputs (input_p, one thread), then update_p of every population,
   * then equations_j — everything up to the step's spikes; end_step (one thread) gathers them.
   */
  step(code: NetworkCode): string[];
}

/** psp_j<N>(s) on one thread: every row in order, each synapse adding its psp to its target's sum; empty without a psp. */
export function pspOnCpu(code: NetworkCode, index: number): string[] {
  const sum = code.projections[index].psp;
  if (!sum) return [];
  const proj = code.ir.projections[index];
  const rowPtr = projMember(proj, '_row_ptr');
  return [
    `void psp_j${index}(int64_t s) {`,
    ...indent(sum.locals, 1),
    `  for (int64_t i = 0; i < ${code.ir.populations[proj.pre].size}; ++i) {`,
    `    for (int64_t k = ${rowPtr}[i]; k < ${rowPtr}[i + 1]; ++k) {`,
    '      const int64_t j = col[k];',
    `      sum[j] += ${callMath(sum.fn)};`,
    '    }',
    '  }',
    '}',
  ];
}

export function generateCpuSource(ir: NetworkIR, schedule: CpuSchedule): string {
  const stage = schedule.spikeStage ?? 'host';
  const projections = ir.projections.map((p) => emitProjection(p, ir));
  const blocks = stepBlocks(ir, projections);
  const bolds = ir.populations.filter((p) => p.bold).map((p) => emitBoldInput(p, ir));
  const code: NetworkCode = {
    ir,
    populations: ir.populations.map((p) => emitPopulation(p, ir, stage)),
    projections,
    zeroSums: ir.populations.flatMap((p) => p.sums.map((t) => `std::fill(${popMember(p, `sum_${t}`)}, ${popMember(p, `sum_${t}`)} + ${p.size}, real(0));`)),
    boldInputs: ir.populations.filter((p) => p.bold).map((p) => p.index),
    call: (block, index) => {
      const id = blocks.findIndex((b) => b.block === block && b.index === index);
      if (id < 0) throw new Error(`no ${block} block ${index} in this network`);
      return `profiled(${id}, [&] { ${blockMethod(block, index)}(s); });`;
    },
  };
  const pops = code.populations;
  const projs = code.projections;
  const depth = (popIndex: number) => {
    const delays = ir.projections.filter((j) => j.pre === popIndex && j.delays === 'uniform').map((j) => `S->${projMember(j, '_delay')}`);
    return delays.length ? `std::max<int64_t>({int64_t(1), ${delays.join(', ')}})` : 'int64_t(1)';
  };
  // A population's condition holds for any or all of its neurons as its own `: any`/`: all` says;
  // the run's mode only combines populations.
  const stops = ir.populations.filter((p) => p.stop).map((p) => `case ${p.index}: return stop_p${p.index}(${p.stop!.mode === 'any'});`);
  const postEvents = projs.filter((p) => p.postEvents.length);
  return [
    `// Generated by spikesweep — structure ${ir.structureHash}. Do not edit.`,
    // First and alone: it is precompiled, and GCC uses a precompiled header only as the first include.
    '#include "spikesweep/sim.hpp"',
    ...schedule.includes.map((h) => `#include ${quote(h)}`),
    '',
    'namespace generated {',
    `using real = ${ir.precision};`,
    `extern const char *const structure_hash = ${quote(ir.structureHash)};`,
    '',
    'static const ss_input *need(const ss_create_args *a, const char *name) {',
    '  const ss_input *in = ss::find_input(a, name);',
    '  if (!in) throw std::runtime_error(std::string("missing input ") + name);',
    '  return in;',
    '}',
    '',
    '// The model math, one element at a time.',
    ...pops.flatMap((p) => p.math),
    ...projs.flatMap((p) => p.math),
    ...(bolds.length ? BOLD_SOURCE_FUNCTION : []),
    '',
    // The network's arrays and sizes: plain data, which the cuda schedule's resident copy also holds.
    'struct Members {',
    '  double dt = 0.1;',
    ...ir.constants.map((c) => `  real *${constMember(c)} = nullptr;`),
    ...indent(pops.flatMap((p) => p.members), 1),
    ...indent(projs.flatMap((p) => p.members), 1),
    ...indent(bolds.flatMap((b) => b.members), 1),
    ...indent(schedule.kernelMembers?.(code) ?? [], 1),
    '};',
    '',
    ...(schedule.beforeSim?.(code) ?? []),
    'struct Sim final : ss::SimBase, Members {',
    ...indent(schedule.members(code), 1),
    '',
    ...indent(schedule.methods(code), 1),
    ...indent(bolds.flatMap((b) => b.method), 1),
    ...indent(pops.flatMap((p) => p.stop), 1),
    ...indent(projs.flatMap((p) => p.postEvents), 1),
    '',
    '  void step_once() override {',
    '    const int64_t s = step;',
    ...indent(schedule.step(code), 2),
    '  }',
    ...(schedule.sharesReadOnly
      ? ['', '  void share_read_only(ss::SimBase &first) override {', ...indent(projs.flatMap((p) => p.readOnly), 2), '    (void)first;', '  }']
      : []),
    ...(postEvents.length
      ? ['', '  void post_events(int64_t s) override {', ...ir.projections.filter((_, k) => projs[k].postEvents.length).map((j) => `    post_j${j.index}(s);`), '  }']
      : []),
    '',
    '  bool stop_condition(int32_t p, int32_t mode) override {',
    ...(stops.length ? ['    switch (p) {', ...indent(stops, 3), '    }'] : []),
    '    (void)p; (void)mode;',
    '    return false;',
    '  }',
    '};',
    '',
    '// Runs once per simulation: optimised for compile time, not speed.',
    '__attribute__((optimize("O1"), cold)) ss::SimBase *create(const ss_create_args *a) {',
    `  if (a->num_values != ${ir.valueCount}) throw std::runtime_error("expected ${ir.valueCount} runtime values, got " + std::to_string(a->num_values));`,
    '  std::unique_ptr<Sim> S(new Sim());',
    ...indent(schedule.setup?.() ?? [], 1),
    '  const double *V = a->values;',
    '  S->seed = a->seed;',
    '  S->init_team(int(a->num_threads));',
    '  S->dt = V[0];',
    ...ir.constants.map((c) => `  S->${constMember(c)} = S->store.add<real>(${quote(`const.${c}`)}, 1, SS_ARRAY_SETTABLE);`),
    ...indent(pops.flatMap((p) => p.create), 1),
    ...indent(projs.flatMap((p) => p.create), 1),
    ...indent(bolds.flatMap((b) => b.create), 1),
    `  S->populations.resize(${ir.populations.length});`,
    ...ir.populations.map((p) => `  S->populations[${p.index}].init(S->store, ${quote(p.name)}, ${p.size}, ${depth(p.index)}, S->threads);`),
    // The byte countdown of host spike stages; a device stage counts in `_refractory_left` itself.
    ...ir.populations.filter((p) => stage === 'host' && p.model?.refractory !== undefined)
      .map((p) => `  S->populations[${p.index}].refractory.attach(S->${popMember(p, '_refractory_left')}, ${p.size}, S->threads);`),
    ...indent(schedule.create(code), 1),
    `  S->set_profile_blocks({${blocks.map((b) => quote(b.name)).join(', ')}});`,
    '  return S.release();',
    '}',
    '}  // namespace generated',
    '',
  ].join('\n');
}

/** update_p<N>(s): the population's kernel over [b, e), placed in the schedule's loop by `wrap`; `thread` is the updating thread's index. */
export function populationUpdate(code: NetworkCode, index: number, wrap: (body: string[]) => string[], thread: string): string[] {
  const k = code.populations[index].kernel;
  const clear = k.clear.length ? ['for (int64_t i = b; i < e; ++i) {', ...indent(k.clear, 1), '}'] : [];
  const body = [...k.locals, ...k.prepare, 'for (int64_t i = b; i < e; ++i) {', ...indent(k.step, 1), '}', ...k.spikes(thread), ...clear];
  return [`void update_p${index}(int64_t s) {`, '  const double t = double(s) * dt; (void)t;', ...indent(wrap(body), 1), '}'];
}

/** equations_j<N>(s), its rows [b, e) spread by `wrap`; nothing while learning is off. */
export function equationsUpdate(code: NetworkCode, index: number, wrap: (rows: string[], preSize: number) => string[]): string[] {
  const rows = code.projections[index].equationRows;
  if (!rows.length) return [];
  const proj = code.ir.projections[index];
  return [
    `void equations_j${index}(int64_t s) {`,
    `  if (${projMember(proj, 'learning')}[0] == 0) return;`,
    '  const double t = double(s) * dt; (void)t;',
    '  const uint64_t seed = this->seed; (void)seed;',
    ...indent(wrap(rows, code.ir.populations[proj.pre].size), 1),
    '}',
  ];
}
