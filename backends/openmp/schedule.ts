// The OpenMP schedule of a step. Every thread of the run's team calls step_once: deliveries split
// by target where a projection allows it (each thread's reach the neurons of its own update chunks,
// so the updates start without a barrier), the rest of delivery on one thread at a time; neuron
// updates in chunks shared between the threads (update_population); one barrier; the continuous
// synaptic equations over row ranges. Postsynaptic events run on the thread that ends the step.
// The summation order is fixed either way, so every thread count gives the same bits. The state
// and primitives it uses are in runtime/schedule.hpp.
import { indent, projMember } from '../codegen/cpp.js';
import { equationsUpdate, generateCpuSource, populationUpdate, pspOnCpu, type CpuSchedule, type NetworkCode } from '../codegen/network.js';
import { splitsByTarget } from '../codegen/projection.js';
import type { NetworkIR } from '../../network/ir/ir.js';

/** A call of the delivery phase; `everyThread`: made by every thread of the team (split by target). */
interface DeliveryCall { call: string; everyThread: boolean }

// Delivery calls in projection order: consecutive one-thread calls share a `one_thread` block (it
// ends with a barrier); a group of calls made by every thread ends with a barrier when more
// deliveries follow, so each group sees the input of the ones before. Then each thread marks its
// deliveries made, which is all the updates wait for (update_population).
function deliveryPhase(calls: DeliveryCall[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < calls.length;) {
    const everyThread = calls[i].everyThread;
    const group: string[] = [];
    for (; i < calls.length && calls[i].everyThread === everyThread; i++) group.push(calls[i].call);
    out.push(...(everyThread ? [...group, ...(i < calls.length ? ['ss::team_barrier();'] : [])] : ['ss::one_thread([&] {', ...indent(group, 1), '});']));
  }
  return [...out, 'team.deliveries_made(s);'];
}

const split = (code: NetworkCode) => code.ir.projections.filter((p) => code.projections[p.index].deliver && splitsByTarget(p));

const schedule: CpuSchedule = {
  includes: ['schedule.hpp'],
  members: () => [
    'ss::TeamSchedule team;',
    'bool worth_a_team() const override { return ss::TeamSchedule::worth_a_team(*this); }',
    'void set_threads(int n) override { SimBase::set_threads(n); team.set_threads(*this); }',
    'void begin_run() override { SimBase::begin_run(); team.begin_run(*this); }',
    'void end_step() override { SimBase::end_step(); team.deal(*this); }',
  ],
  create: (code: NetworkCode) => [
    `S->team.init(*S, ${code.ir.projections.length});`,
    ...split(code).map((p) => {
      const m = (n: string) => `S->${projMember(p, n)}`;
      return `S->team.row_splits[${p.index}] = ss::RowSplit(${m('_row_ptr')}, ${m('_col')}, ${code.ir.populations[p.pre].size}, ${code.ir.populations[p.post].size}, S->threads);`;
    }),
  ],
  methods: (code: NetworkCode) => [
    ...code.ir.populations.flatMap((p) => populationUpdate(code, p.index, (body) => [
      `ss::update_population(*this, team, ${p.index}, s, [&](int64_t b, int64_t e, std::vector<int32_t> &out) {`,
      ...indent(body, 1),
      '});',
    ], 'ss::team_thread()')),
    ...code.ir.projections.flatMap((p) => {
      const deliver = code.projections[p.index].deliver;
      if (!deliver) return [];
      if (!splitsByTarget(p)) return deliver(code.projections[p.index].wholeRows, []);
      // Each thread walks its own part of every spike's row, the synapses onto its slice of
      // postsynaptic neurons: every neuron still sums its input in spike order.
      const posts = code.ir.populations[p.post].size;
      return deliver(`team.row_splits[${p.index}].part()`, ['  int64_t jb, je;', `  ss::target_range(${posts}, jb, je);`, '  if (jb == je) return;']);
    }),
    ...code.ir.projections.flatMap((p) => pspOnCpu(code, p.index)),
    ...code.ir.projections.flatMap((p) => equationsUpdate(code, p.index, (rows, preSize) => [
      `ss::parallel_ranges(${preSize}, [&](int64_t b, int64_t e) {`,
      ...indent(rows, 1),
      '});',
    ])),
  ],
  step: (code: NetworkCode) => [
    ...deliveryPhase([
      ...code.zeroSums.map((call) => ({ call, everyThread: false })),
      ...code.ir.projections.flatMap((p) => [
        ...(code.projections[p.index].deliver ? [{ call: code.call('deliver', p.index), everyThread: splitsByTarget(p) }] : []),
        ...(code.projections[p.index].psp ? [{ call: code.call('psp', p.index), everyThread: false }] : []),
      ]),
      ...code.boldInputs.map((k) => ({ call: code.call('input', k), everyThread: false })),
    ]),
    ...code.ir.populations.map((p) => code.call('update', p.index)),
    'ss::team_barrier();',
    ...code.projections.flatMap((p, k) => (p.equationRows.length ? [code.call('equations', k)] : [])),
  ],
};

export const generateOpenmpSource = (ir: NetworkIR): string => generateCpuSource(ir, schedule);
