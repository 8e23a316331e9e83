// The cuda schedule of a step: the host runs step_once in the order of docs/architecture.md,
// launching a kernel for each phase that is a loop over elements (launch.hpp):
// - delivery: a thread per postsynaptic neuron j walks the step's spikes in order and, in each
//   spike's row (columns ascend), its synapses onto j. Each neuron thus sums its input in spike
//   order, then synapse order — the CPU's order — with no atomics, and no two threads write one
//   value (a synapse, a ring slot or a conductance belongs to one j). Per-synapse delays write
//   the ring slot of each synapse's arrival step, then a thread per neuron adds this step's slot.
// - neuron update: a thread per neuron runs the model's step function (its SS_MATH, compiled for
//   host and device); the spike scan, resets and refractory starts follow on the host in neuron
//   order, as in the serial schedule.
// - continuous synaptic equations: a thread per presynaptic row.
// Clearing sums and postsynaptic events (end_step) run on the host. A kernel's body reads only
// locals it captures by value: members it names are first copied into locals of the same name.
// Fast mode delivers instead with a thread per spike walking its row and adding to the targets
// with atomics, so each target's sum has the order the threads happen to run in — wherever a
// projection's preSpike only adds to g_target (else it keeps the exact walk, which is race-free).
import { indent } from '../codegen/cpp.js';
import { generateCpuSource, type CpuSchedule, type NetworkCode } from '../codegen/network.js';
import { callMath } from '../codegen/math.js';
import { usesIdent } from '../../network/equations/ast.js';
import type { NetworkIR, ProjectionIR } from '../../network/ir/ir.js';
import type { CudaMode } from '../types.js';

// Generated member names (p<N>_…, j<N>_…, c_…), not function calls.
const MEMBER = /\b((?:[pj]\d+|c)_\w+)\b(?!\s*\()/g;

/** `ss::launch(n, …)` of `body` over `index`, after copying the members the body names into locals. */
function kernel(n: string, index: string, body: string[]): string[] {
  const members = [...new Set(body.join('\n').match(MEMBER) ?? [])].sort();
  const launch = [`ss::launch(${n}, SS_KERNEL(int64_t ${index}) {`, ...indent(body, 1), '});'];
  return members.length ? ['{', ...indent([...members.map((m) => `const auto ${m} = this->${m};`), ...launch], 1), '}'] : launch;
}

function update(code: NetworkCode, index: number): string[] {
  const pop = code.ir.populations[index];
  const k = code.populations[index].kernel;
  const out = [`std::vector<int32_t> &out = populations[${index}].spike_lists[0];`, 'out.clear();', `const int64_t b = 0, e = ${pop.size};`];
  // A spike source only walks its spike times: no model math, so no kernel.
  const body = pop.model
    ? [...out, ...k.locals, ...k.prepare, ...kernel(String(pop.size), 'i', k.step), ...k.spikes('0'), ...k.clear]
    : [...out, 'for (int64_t i = b; i < e; ++i) {', ...indent(k.step, 1), '}'];
  return [`void update_p${index}(int64_t s) {`, '  const double t = double(s) * dt; (void)t;', ...indent(body, 1), '}'];
}

// Whether a thread per spike may deliver a projection's events with atomic adds: its preSpike only
// adds to g_target (never reads it) and writes nothing of the postsynaptic neuron, so what two
// rows share is only sums; everything else an event writes is its own synapse's.
function addsOnlyToTargets(proj: ProjectionIR): boolean {
  return proj.model.preSpike.every((st) => st.target.scope !== 'post' && !usesIdent(st.value, 'g_target')
    && (st.target.name !== 'g_target' || (!st.target.scope && st.op === '+=')));
}

function deliver(code: NetworkCode, index: number, mode: CudaMode): string[] {
  const proj = code.ir.projections[index];
  const event = code.projections[index].preEvent;
  if (!event) return [];
  const m = (n: string) => `j${index}_${n}`;
  const posts = code.ir.populations[proj.post].size;
  const g = `p${proj.post}_g_${proj.target}`;
  const synapseDelays = proj.delays === 'synapse';
  // Per-synapse delays: the event adds to its arrival step's ring slot instead of the conductance.
  const target = synapseDelays ? `${m('_ring')}[((s - 1 + ${m('_delay')}[k]) % R) * ${posts} + j]` : `${g}[j]`;
  const byRow = mode === 'fast' && addsOnlyToTargets(proj);
  const walk = byRow ? [
    'const int32_t i = spike_data[n];',
    `for (int64_t k = ${m('_row_ptr')}[i]; k < ${m('_row_ptr')}[i + 1]; ++k) {`,
    '  const int64_t j = col[k];',
    '  real add = 0;',
    `  ${callMath(event.fn, { [`${g}[j]`]: 'add' })};`,
    `  ss::atomic_add(&${target}, add);`,
    '}',
  ] : [
    'for (int64_t n = 0; n < spike_count; ++n) {',
    '  const int32_t i = spike_data[n];',
    `  const int64_t end = ${m('_row_ptr')}[i + 1];`,
    `  for (int64_t k = ss::first_synapse_onto(col, ${m('_row_ptr')}[i], end, j); k < end && col[k] == j; ++k) {`,
    `    ${callMath(event.fn, synapseDelays ? { [`${g}[j]`]: target } : {})};`,
    '  }',
    '}',
  ];
  return [
    `void deliver_j${index}(int64_t s) {`,
    `  const ss::Spikes spikes = populations[${proj.pre}].emitted(s, ${synapseDelays ? '1' : m('_delay')});`,
    ...(synapseDelays ? [`  const int64_t R = ${m('_ring_len')};`] : ['  if (spikes.empty()) return;']),
    '  const int32_t *spike_data = spikes.data;',
    '  const int64_t spike_count = spikes.count;',
    '  const double dt = this->dt;',
    ...indent(event.locals, 1),
    ...indent(kernel(byRow ? 'spike_count' : String(posts), byRow ? 'n' : 'j', walk), 1),
    ...(synapseDelays
      ? indent(kernel(String(posts), 'j', [`real &slot = ${m('_ring')}[(s % R) * ${posts} + j];`, `${g}[j] += slot;`, 'slot = 0;']), 1)
      : []),
    '}',
  ];
}

function equations(code: NetworkCode, index: number): string[] {
  const rows = code.projections[index].equationRows;
  if (!rows.length) return [];
  const proj = code.ir.projections[index];
  return [
    `void equations_j${index}(int64_t s) {`,
    `  if (j${index}_learning[0] == 0) return;`,
    '  const double t = double(s) * dt; (void)t;',
    '  const double dt = this->dt;',
    '  const uint64_t seed = this->seed; (void)seed;',
    ...indent(kernel(String(code.ir.populations[proj.pre].size), 'row', ['const int64_t b = row, e = row + 1;', ...rows]), 1),
    '}',
  ];
}

const schedule = (mode: CudaMode): CpuSchedule => ({
  includes: [],
  members: () => [],
  create: () => [],
  methods: (code: NetworkCode) => [
    ...code.ir.populations.flatMap((p) => update(code, p.index)),
    ...code.ir.projections.flatMap((p) => [...deliver(code, p.index, mode), ...equations(code, p.index)]),
  ],
  step: (code: NetworkCode) => [
    ...code.zeroSums,
    ...code.projections.flatMap((p, k) => (p.preEvent ? [`deliver_j${k}(s);`] : [])),
    ...code.ir.populations.map((p) => `update_p${p.index}(s);`),
    ...code.projections.flatMap((p, k) => (p.equationRows.length ? [`equations_j${k}(s);`] : [])),
  ],
});

export const generateCudaSource = (ir: NetworkIR, mode: CudaMode = 'exact'): string => generateCpuSource(ir, schedule(mode));
