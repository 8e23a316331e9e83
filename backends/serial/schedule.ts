// The serial schedule of a step, the reference every other schedule must reproduce bit for bit:
// sums cleared, each projection's delayed spikes delivered over whole rows (spike order, then
// synapse order) and its continuous input summed, each population updated over all its neurons in
// order, then the continuous synaptic equations over all rows. Postsynaptic events follow in
// end_step, as in every schedule.
import { equationsUpdate, generateCpuSource, populationUpdate, pspOnCpu, type CpuSchedule, type NetworkCode } from '../codegen/network.js';
import type { NetworkIR } from '../../network/ir/ir.js';

const schedule: CpuSchedule = {
  includes: [],
  members: () => [],
  create: () => [],
  methods: (code: NetworkCode) => [
    // The whole population is one range with one spike list.
    ...code.ir.populations.flatMap((p) => populationUpdate(code, p.index, (body) => [
      `std::vector<int32_t> &out = populations[${p.index}].spike_lists[0];`,
      'out.clear();',
      `const int64_t b = 0, e = ${p.size};`,
      ...body,
    ], '0')),
    ...code.projections.flatMap((p) => (p.deliver ? p.deliver(p.wholeRows, []) : [])),
    ...code.ir.projections.flatMap((p) => pspOnCpu(code, p.index)),
    ...code.ir.projections.flatMap((p) => equationsUpdate(code, p.index, (rows, preSize) => [`const int64_t b = 0, e = ${preSize};`, ...rows])),
  ],
  step: (code: NetworkCode) => [
    ...code.zeroSums,
    ...code.projections.flatMap((p, k) => [...(p.deliver ? [code.call('deliver', k)] : []), ...(p.psp ? [code.call('psp', k)] : [])]),
    ...code.boldInputs.map((k) => code.call('input', k)),
    ...code.ir.populations.map((p) => code.call('update', p.index)),
    ...code.projections.flatMap((p, k) => (p.equationRows.length ? [code.call('equations', k)] : [])),
  ],
};

export const generateSerialSource = (ir: NetworkIR): string => generateCpuSource(ir, schedule);
