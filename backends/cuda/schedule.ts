// The cuda schedule of a step: the host runs step_once in the order of docs/architecture.md,
// launching a kernel for each phase (launch.hpp); kernels find how many spikes a step had on the
// device, so the host reads nothing of a step unless a host phase (below) needs it:
// - clearing sums: a thread per neuron.
// - delivery: tiles of postsynaptic neurons, a block each, walk the step's spikes in order; the
//   synapses of a spike's row onto a tile's neurons (columns ascend: two binary searches find
//   them) are shared out over the block's threads, a thread per target, and a barrier ends each
//   spike. Each neuron thus sums its input in spike order, then synapse order — the CPU's order —
//   with no atomics, and no two threads write one value (a synapse, a ring slot or a conductance
//   belongs to one target). Where rows are too sparse to give a tile's threads work
//   (ss::tile_targets), a thread per postsynaptic neuron walks the spikes instead, searching each
//   row for its own synapses, with no barrier.
//   Per-synapse delays write the ring slot of each synapse's arrival step, then a thread per
//   neuron adds this step's slot. A preSpike that writes its presynaptic neuron is delivered by one
//   thread in the CPU's loop order.
// - continuous transmission (psp): the same tiles over every row in order.
// - neuron update: a thread per neuron runs the model's step function (its SS_MATH, compiled for
//   host and device), counting the refractory period down in the int32 `_refractory_left` and
//   leaving a 0/1 flag per neuron; a spike source's step, a thread per neuron, walks its times.
// - spikes, on the device (spike_stage.hpp): a thread per chunk of neurons counts its flags, one
//   block turns the counts into each chunk's place (a prefix sum over its threads), and a thread per chunk writes its spiking
//   neurons into the step's row of the spike history in neuron order — the CPU's list, whatever
//   order the threads run in — resetting each, starting its refractory period and stamping its
//   last spike. Inputs that hold one step are then cleared, a thread per neuron.
// - continuous synaptic equations: a thread per presynaptic row.
// - monitors (SimBase::record): kernels copy the step's spike list and state samples into device
//   buffers (monitor_buffers.hpp), drained when the run's launches are done.
// A run is one window of launches with no host sync, captured on a GPU into a CUDA Graph, except
// where a host phase reads the device's results — postsynaptic events (end_step), BOLD inputs,
// stop conditions (wait_for_kernels), a full monitor buffer: each first waits for the kernels
// before it (ss::wait_for_device), which launches what was captured so far. A network whose
// postsynaptic events or BOLD inputs wait every step launches without capturing.
// A kernel's body reads only locals it captures by value: members it names are first copied into
// locals of the same name.
// The resident schedule (resident.hpp), for a batch whose copies' per-neuron state fits a block's
// shared memory and whose steps need no host (residentRefusal): a window of steps per launch, a
// block per copy. The same phase methods, emitted a second time into ResidentCopy with
// ss::block::launch, run each kernel body as a loop of the block's threads, a barrier ending each
// phase; delivery takes all of a population's targets as one tile, so each spike's row is shared
// out over the block once.
// Fast mode delivers instead with atomics, so each target's sum has the order the threads happen
// to run in — wherever a projection's preSpike only adds to g_target (else it keeps the exact
// walk): a thread per spike walking its row, or for rows of 32 synapses or more on average a
// block per spike sharing its row out over its threads, as GeNN chooses by row length.
import { indent, popMember } from '../codegen/cpp.js';
import { blockMethod, generateCpuSource, type CpuSchedule, type NetworkCode, type StepBlock } from '../codegen/network.js';
import { callMath } from '../codegen/math.js';
import { usesIdent } from '../../network/equations/ast.js';
import type { NetworkIR, ProjectionIR } from '../../network/ir/ir.js';
import type { CudaMode } from '../types.js';
import { residentBytes, residentRefusal, stagedArrays } from './resident.js';
import { SCAN_PARTS, spikeChunkLen, spikeChunks } from './spike-chunks.js';

// Generated member names (p<N>_…, j<N>_…, c_…), not function calls.
const MEMBER = /\b((?:[pj]\d+|c)_\w+)\b(?!\s*\()/g;

/** Where a phase's kernels run: over the GPU, or in a resident copy's block (resident.hpp). */
interface Launcher {
  ns: string;
  lambda: string;
}
const GRID: Launcher = { ns: 'ss::', lambda: 'SS_KERNEL' };
const BLOCK: Launcher = { ns: 'ss::block::', lambda: 'SS_BLOCK_FN' };

/**
 * `ss::launch(n, …)` of `body` over the thread index `index`, or with `index` 'tile'
 * `ss::launch_tiles(n, …)` of `body` over tiles (in `at`'s namespace), after copying the members
 * the body names into locals.
 */
function kernel(n: string, index: string, body: string[], at: Launcher): string[] {
  const members = [...new Set(body.join('\n').match(MEMBER) ?? [])].sort();
  const head = index === 'tile' ? `${at.ns}launch_tiles(${n}, ${at.lambda}(const ss::Tile &tile) {` : `${at.ns}launch(${n}, ${at.lambda}(int64_t ${index}) {`;
  const launch = [head, ...indent(body, 1), '});'];
  return members.length ? ['{', ...indent([...members.map((m) => `const auto ${m} = this->${m};`), ...launch], 1), '}'] : launch;
}

// The population's update: its step, a thread per neuron (a spike source's walking its spike
// times), leaves a flag per spiking neuron; its spikes are then gathered on the device into the
// step's row of the spike history, in neuron order (spike_stage.hpp), each spiking neuron reset
// as it is written.
function update(code: NetworkCode, index: number, at: Launcher): string[] {
  const pop = code.ir.populations[index];
  const k = code.populations[index].kernel;
  const n = pop.size;
  const chunkEnd = `const int64_t end = c * chunk_len + chunk_len < ${n} ? c * chunk_len + chunk_len : ${n};`;
  const gather = [
    `const int64_t row = s % populations[${index}].depth;`,
    `int32_t *const spike_row = populations[${index}].history + row * ${n};`,
    `int32_t *const spike_total = populations[${index}].history_count + row;`,
    `int32_t *const chunk_count = spike_stages[${index}].chunk_count.data();`,
    `int32_t *const chunk_first = spike_stages[${index}].chunk_first.data();`,
    `int32_t *const part_sums = spike_stages[${index}].part_sums.data();`,
    `constexpr int64_t chunk_len = ${spikeChunkLen(n)}, chunks = ${spikeChunks(n)};`,
    ...kernel('chunks', 'c', [chunkEnd, `chunk_count[c] = ss::count_fired(p${index}__fire, c * chunk_len, end);`], at),
    ...kernel('1', 'tile', ['ss::chunk_places(tile, chunk_count, chunk_first, chunks, part_sums, spike_total);'], at),
    ...kernel('chunks', 'c', [
      'int32_t at = chunk_first[c];',
      chunkEnd,
      'for (int64_t i = c * chunk_len; i < end; ++i) {',
      `  if (!p${index}__fire[i]) continue;`,
      ...indent(k.fired, 1),
      '  spike_row[at++] = int32_t(i);',
      '}',
    ], at),
  ];
  return [
    `void update_p${index}(int64_t s) {`,
    '  const double t = double(s) * dt; (void)t;',
    ...indent([...k.locals, ...kernel(String(n), 'i', k.step, at), ...gather, ...(k.clear.length ? kernel(String(n), 'i', k.clear, at) : [])], 1),
    '}',
  ];
}

// Whether a projection's preSpike writes its presynaptic neuron (pre.x): every synapse of the
// spike's row then writes one value, in row order on the CPU, so its delivery is one thread's.
const writesPre = (proj: ProjectionIR): boolean => proj.model.preSpike.some((st) => st.target.scope === 'pre');

// Whether fast mode may deliver a projection's events with atomic adds: its preSpike only adds to
// g_target (never reads it) and writes nothing of the pre- or postsynaptic neuron, so what two
// synapses share is only sums; everything else an event writes is its own synapse's.
function addsOnlyToTargets(proj: ProjectionIR): boolean {
  return proj.model.preSpike.every((st) => !st.target.scope && !usesIdent(st.value, 'g_target')
    && (st.target.name !== 'g_target' || st.op === '+='));
}

// The synapses of row i onto the tile's targets [j_begin, j_end) (columns ascend), shared out over
// the tile's threads: a thread per distinct target, walking that target's synapses in row order
// (a row may hold several synapses onto one neuron), so no two threads write one target.
function tileRow(m: (n: string) => string, body: string[]): string[] {
  return [
    `const int64_t lo = ss::first_synapse_onto(col, ${m('_row_ptr')}[i], ${m('_row_ptr')}[i + 1], j_begin);`,
    `const int64_t hi = ss::first_synapse_onto(col, lo, ${m('_row_ptr')}[i + 1], j_end);`,
    'tile.for_each(lo, hi, [&](int64_t first) {',
    '  if (first > lo && col[first - 1] == col[first]) return;',
    '  const int64_t j = col[first];',
    '  for (int64_t k = first; k < hi && col[k] == j; ++k) {',
    ...indent(body, 2),
    '  }',
    '});',
    'tile.sync();',
  ];
}

// A kernel over the rows that `rowLoop` walks in order, row `row` at each turn, adding `body` of
// each synapse onto its target j in row order, then synapse order — the CPU's order — with no
// atomics: tiles of targets sharing each row's part out over their threads where rows are dense
// enough (ss::tile_targets, worked out once per network in create()), else a thread per target
// searching each row for its synapses.
function targetTiles(m: (n: string) => string, posts: number, rowLoop: string, row: string, body: string[], at: Launcher): string[] {
  const rowPtr = m('_row_ptr');
  return [
    `const int64_t tile_len = ${m('_tile_len')};`,
    'if (tile_len > 0) {',
    ...indent(kernel(`(${posts} + tile_len - 1) / tile_len`, 'tile', [
      'const int64_t j_begin = tile.index * tile_len;',
      `const int64_t j_end = j_begin + tile_len < ${posts} ? j_begin + tile_len : ${posts};`,
      `${rowLoop} {`,
      `  const int64_t i = ${row};`,
      ...indent(tileRow(m, body), 1),
      '}',
    ], at), 1),
    '} else {',
    ...indent(kernel(String(posts), 'j', [
      `${rowLoop} {`,
      `  const int64_t i = ${row};`,
      `  const int64_t end = ${rowPtr}[i + 1];`,
      `  for (int64_t k = ss::first_synapse_onto(col, ${rowPtr}[i], end, j); k < end && col[k] == j; ++k) {`,
      ...indent(body, 2),
      '  }',
      '}',
    ], at), 1),
    '}',
  ];
}

function deliver(code: NetworkCode, index: number, mode: CudaMode, at: Launcher): string[] {
  const proj = code.ir.projections[index];
  const event = code.projections[index].preEvent;
  if (!event) return [];
  const m = (n: string) => `j${index}_${n}`;
  const posts = code.ir.populations[proj.post].size;
  const pres = code.ir.populations[proj.pre].size;
  const g = `p${proj.post}_g_${proj.target}`;
  const synapseDelays = proj.delays === 'synapse';
  // Per-synapse delays: the event adds to its arrival step's ring slot instead of the conductance.
  const target = synapseDelays ? `${m('_ring')}[((s - 1 + ${m('_delay')}[k]) % R) * ${posts} + j]` : `${g}[j]`;
  const atomics = mode === 'fast' && addsOnlyToTargets(proj);
  const exactEvent = callMath(event.fn, synapseDelays ? { [`${g}[j]`]: target } : {});
  const atomicAdd = ['const int64_t j = col[k];', 'real add = 0;', `${callMath(event.fn, { [`${g}[j]`]: 'add' })};`, `ss::atomic_add(&${target}, add);`];
  const walk = atomics ? [
    `if (${m('_long_rows')}) {`,
    ...indent(kernel(String(pres), 'tile', [
      'if (tile.index >= *spike_total) return;',
      'const int32_t i = spike_data[tile.index];',
      `tile.for_each(${m('_row_ptr')}[i], ${m('_row_ptr')}[i + 1], [&](int64_t k) {`,
      ...indent(atomicAdd, 1),
      '});',
    ], at), 1),
    '} else {',
    ...indent(kernel(String(pres), 'n', [
      'if (n >= *spike_total) return;',
      'const int32_t i = spike_data[n];',
      `for (int64_t k = ${m('_row_ptr')}[i]; k < ${m('_row_ptr')}[i + 1]; ++k) {`,
      ...indent(atomicAdd, 1),
      '}',
    ], at), 1),
    '}',
  ] : writesPre(proj) ? kernel('1', 'thread', [
    'for (int64_t n = 0; n < *spike_total; ++n) {',
    '  const int32_t i = spike_data[n];',
    `  for (int64_t k = ${m('_row_ptr')}[i]; k < ${m('_row_ptr')}[i + 1]; ++k) {`,
    '    const int64_t j = col[k];',
    `    ${exactEvent};`,
    '  }',
    '}',
  ], at) : targetTiles(m, posts, 'for (int64_t n = 0; n < *spike_total; ++n)', 'spike_data[n]', [`${exactEvent};`], at);
  return [
    `void deliver_j${index}(int64_t s) {`,
    `  const ss::DeviceSpikes spikes = ss::emitted_on_device(populations[${proj.pre}], s, ${synapseDelays ? '1' : m('_delay')});`,
    ...(synapseDelays ? [`  const int64_t R = ${m('_ring_len')};`] : ['  if (!spikes.count) return;']),
    '  const int32_t *spike_data = spikes.data;',
    '  const int32_t *spike_total = spikes.count;',
    '  const double dt = this->dt;',
    ...indent(event.locals, 1),
    ...indent(synapseDelays ? ['if (spike_total) {', ...indent(walk, 1), '}'] : walk, 1),
    ...(synapseDelays
      ? indent(kernel(String(posts), 'j', [`real &slot = ${m('_ring')}[(s % R) * ${posts} + j];`, `${g}[j] += slot;`, 'slot = 0;'], at), 1)
      : []),
    '}',
  ];
}

// Continuous transmission: every synapse adds its psp to its target's sum each step, in tiles of
// targets over all rows in order, as the CPU's row-major loop adds them.
function psp(code: NetworkCode, index: number, at: Launcher): string[] {
  const proj = code.ir.projections[index];
  const sum = code.projections[index].psp;
  if (!sum) return [];
  const m = (n: string) => `j${index}_${n}`;
  const pres = code.ir.populations[proj.pre].size;
  return [
    `void psp_j${index}(int64_t s) {`,
    ...indent(sum.locals, 1),
    ...indent(targetTiles(m, code.ir.populations[proj.post].size, `for (int64_t r = 0; r < ${pres}; ++r)`, 'r', [
      `sum[j] += ${callMath(sum.fn)};`,
    ], at), 1),
    '}',
  ];
}

function equations(code: NetworkCode, index: number, at: Launcher): string[] {
  const rows = code.projections[index].equationRows;
  if (!rows.length) return [];
  const proj = code.ir.projections[index];
  return [
    `void equations_j${index}(int64_t s) {`,
    `  if (j${index}_learning[0] == 0) return;`,
    '  const double t = double(s) * dt; (void)t;',
    '  const double dt = this->dt;',
    '  const uint64_t seed = this->seed; (void)seed;',
    ...indent(kernel(String(code.ir.populations[proj.pre].size), 'row', ['const int64_t b = row, e = row + 1;', ...rows], at), 1),
    '}',
  ];
}

// Projections whose spikes or psp walk rows: their row shape is read once, when the network is built.
const walked = (code: NetworkCode) => code.ir.projections.filter((j) => code.projections[j.index].preEvent || code.projections[j.index].psp);

const hasPostEvents = (code: NetworkCode) => code.projections.some((p) => p.postEvents.length);
// Whether the host waits for the device every step: postsynaptic events and BOLD inputs run there.
const waitsEveryStep = (code: NetworkCode) => hasPostEvents(code) || code.boldInputs.length > 0;

// The step's phases in order: sums cleared, then deliveries and psp, BOLD inputs (one thread,
// once the kernels before are done: they read the populations on the host), updates, synaptic
// equations. `call` names a block's call (GRID: timed while profiling; BLOCK: the resident copy's
// method).
function stepPhases(code: NetworkCode, at: Launcher, call: (block: StepBlock, index: number) => string): string[] {
  return [
    ...code.ir.populations.flatMap((p) => (p.sums.length ? kernel(String(p.size), 'i', p.sums.map((t) => `${popMember(p, `sum_${t}`)}[i] = real(0);`), at) : [])),
    ...code.projections.flatMap((p, k) => [...(p.preEvent ? [call('deliver', k)] : []), ...(p.psp ? [call('psp', k)] : [])]),
    ...(code.boldInputs.length ? ['ss::wait_for_device();'] : []),
    ...code.boldInputs.map((k) => call('input', k)),
    ...code.ir.populations.map((p) => call('update', p.index)),
    ...code.projections.flatMap((p, k) => (p.equationRows.length ? [call('equations', k)] : [])),
  ];
}

// The phases' methods, their kernels launched by `at`.
const phaseMethods = (code: NetworkCode, mode: CudaMode, at: Launcher): string[] => [
  ...code.ir.populations.flatMap((p) => update(code, p.index, at)),
  ...code.ir.projections.flatMap((p) => [...deliver(code, p.index, mode, at), ...psp(code, p.index, at), ...equations(code, p.index, at)]),
];

// A copy of a batch as its block runs it in the resident schedule (resident.hpp): the network's
// arrays (Members), its populations' spike history and spike stages, the per-neuron state its block
// stages in shared memory, and the step's phases, each a loop of the block's threads.
function residentCopy(code: NetworkCode, mode: CudaMode): string[] {
  const pops = code.ir.populations.length;
  const device = (lines: string[]) => lines.map((l) => (l.startsWith('void ') ? `SS_RESIDENT_FN ${l}` : l));
  return [
    'struct ResidentCopy : Members {',
    '  uint64_t seed = 0;',
    `  ss::ResidentPopulation populations[${pops}];`,
    `  ss::ResidentStage spike_stages[${pops}];`,
    // What the block keeps in shared memory: each array, its length and its offset there.
    `  static constexpr int64_t staged_bytes = ${residentBytes(code.ir)};`,
    '  template <class C, class F> static SS_RESIDENT_FN void each_staged(C &c, F &&f) {',
    ...stagedArrays(code.ir).map((a) => `    f(c.${a.member}, ${a.count}, ${a.offset});`),
    '  }',
    ...indent(device(phaseMethods(code, mode, BLOCK)), 1),
    '  SS_RESIDENT_FN void step(int64_t s) {',
    ...indent(stepPhases(code, BLOCK, (block, k) => `${blockMethod(block, k)}(s);`), 2),
    '  }',
    '};',
    '',
  ];
}

// The Sim's side of the resident schedule: a copy as its block runs it, and a batch's windows.
function residentRunner(code: NetworkCode): string[] {
  return [
    'ss::ResidentBuffers<ResidentCopy> resident_buffers;',
    'void resident_copy(ResidentCopy &c) {',
    '  static_cast<Members &>(c) = *this;',
    '  c.seed = seed;',
    ...code.ir.populations.flatMap((p) => [
      `  c.populations[${p.index}] = ss::resident_population(populations[${p.index}]);`,
      `  c.spike_stages[${p.index}] = ss::resident_stage(spike_stages[${p.index}]);`,
    ]),
    // One block walks each spike's row once for all its targets (one tile); fast mode's atomics a row per thread.
    ...walked(code).flatMap((j) => [
      `  c.j${j.index}__tile_len = c.j${j.index}__tile_len > 0 ? ${code.ir.populations[j.post].size} : 0;`,
      `  c.j${j.index}__long_rows = false;`,
    ]),
    '}',
    'int64_t run_resident(const std::vector<ss::SimBase *> &copies, int64_t steps) override {',
    '  return ss::run_resident<Sim, ResidentCopy>(*this, copies, steps);',
    '}',
  ];
}

const schedule = (mode: CudaMode): CpuSchedule => ({
  includes: ['device.hpp', 'delivery.hpp', 'spike_stage.hpp', 'monitor_buffers.hpp', 'resident.hpp'],
  // Its kernels copy the members they name into locals at each launch; create keeps only values.
  sharesReadOnly: true,
  spikeStage: 'device',
  kernelMembers: (code: NetworkCode) => [
    // Each population's spike flags (spike_stage.hpp).
    ...code.ir.populations.map((p) => `uint8_t *p${p.index}__fire = nullptr;`),
    // Targets per delivery tile (0: a thread per target) and whether rows hold 32 synapses or more on average (fast mode's block per spike).
    ...walked(code).flatMap((j) => [`int64_t j${j.index}__tile_len = 0;`, `bool j${j.index}__long_rows = false;`]),
  ],
  beforeSim: (code: NetworkCode) => (residentRefusal(code.ir) ? [] : residentCopy(code, mode)),
  members: (code: NetworkCode) => [
    'int device = 0;',
    // Each population's spike flags and chunk counts (spike_stage.hpp), chunked as spike-chunks.ts says.
    'std::vector<ss::SpikeStage> spike_stages;',
    `static_assert(ss::kScanParts == ${SCAN_PARTS}, "spike-chunks.ts sizes the prefix sum's parts");`,
    // A run is a window of launches (launch.hpp), captured into a CUDA Graph on a GPU; monitors
    // record into device buffers (monitor_buffers.hpp), drained when the run's launches are done.
    // A run that failed drops what it launched and buffered.
    'ss::MonitorBuffers monitor_buffers;',
    'void begin_run() override {',
    '  ss::select_device(device);',
    '  ss::SimBase::begin_run();',
    '  monitor_buffers.prepare(*this);',
    // Profiling waits for each block's kernels (SimBase::timed): no graph to capture either.
    `  ss::begin_window(${waitsEveryStep(code) ? 'false' : '!profiling'});`,
    '}',
    'void record() override { monitor_buffers.record(*this); }',
    'void wait_for_kernels() override { ss::wait_for_device(); }',
    'void finish_window() override {',
    '  ss::end_window();',
    '  monitor_buffers.drain(monitors);',
    '}',
    'void end_run() override {',
    '  ss::discard_window();',
    '  monitor_buffers.discard();',
    '  ss::SimBase::end_run();',
    '}',
    // Postsynaptic events run on the host: they wait for the step's kernels and read its spikes,
    // the spike history's rows the device wrote. Without them the host reads nothing here.
    ...(hasPostEvents(code) ? [
      'void end_step() override {',
      '  ss::wait_for_device();',
      '  for (auto &p : populations) p.spiked = p.emitted(step + 1, 1);',
      '  post_events(step);',
      '}',
    ] : ['void end_step() override {}']),
    ...(residentRefusal(code.ir) ? [] : residentRunner(code)),
  ],
  setup: () => ['S->device = int(a->device);', 'ss::select_device(S->device);', 'ss::check_device_memory(ss::find_input(a, "cuda.plan_bytes"), S->device);'],
  create: (code: NetworkCode) => [
    `S->spike_stages.reserve(${code.ir.populations.length});`,
    ...code.ir.populations.flatMap((p) => [`S->spike_stages.emplace_back(${p.size}, ${spikeChunks(p.size)});`, `S->p${p.index}__fire = S->spike_stages.back().fire.data();`]),
    ...walked(code).flatMap((j) => {
    const pres = code.ir.populations[j.pre].size;
    const synapses = `S->j${j.index}__row_ptr[${pres}]`;
    return [
      `S->j${j.index}__tile_len = ss::tile_targets(${code.ir.populations[j.post].size}, ${synapses}, ${pres});`,
      `S->j${j.index}__long_rows = ${synapses} >= 32 * int64_t(${pres});`,
    ];
  })],
  methods: (code: NetworkCode) => phaseMethods(code, mode, GRID),
  step: (code: NetworkCode) => stepPhases(code, GRID, (block, k) => code.call(block, k)),
});

export const generateCudaSource = (ir: NetworkIR, mode: CudaMode = 'exact'): string => generateCpuSource(ir, schedule(mode));
