// The cuda backend's memory plan: the device bytes one copy of a network needs, worked out from
// its IR and spec before anything is built, and how many copies a device of a given size holds.
// Every array of a simulation lives in the array store (CUDA managed memory on a GPU); the plan
// counts the arrays the generated create() allocates (backends/codegen/population.ts and
// projection.ts), with each connector's expected synapse count. tests/cuda-plan.test.ts holds it
// within a few percent of what a built simulation's store actually holds. A batch holds the
// connectivity of connectors that draw nothing from the seed once for all its copies (Kernel.share).
import type { NetworkIR, PopulationIR, ProjectionIR } from '../../network/ir/ir.js';
import type { ConnectorSpec, NetworkSpec } from '../../network/spec/schema.js';
import { isDistribution } from '../../network/spec/distributions.js';
import { DEFAULT_GPU, residentBlocksPerSm, type GpuModel } from './gpus.js';
import { residentBytes, residentRefusal } from './resident.js';

export interface PlanItem {
  /** The population or projection. */
  object: string;
  bytes: number;
  /** What the bytes are: state, connectivity, spike history, delay ring. */
  detail: string;
  /** Held once by a batch, whatever its size: connectivity that draws nothing from the seed (Kernel.share). */
  sharedInBatch: boolean;
}

export interface MemoryPlan {
  network: string;
  /** The GPU the plan is for (gpus.ts). */
  gpu: string;
  /** Device memory the plan assumes free (bytes). */
  deviceBytes: number;
  /** What each copy of a batch holds of its own. */
  bytesPerCopy: number;
  /** What a batch holds once for all its copies: the connectivity of connectors that draw nothing from the seed. A single simulation holds bytesPerCopy + sharedBytes. */
  sharedBytes: number;
  /** Copies of the network that fit in deviceBytes (with the reserve left free) in one batch. */
  copiesThatFit: number;
  items: PlanItem[];
  /** The kernels a batch runs, and why (backends/README.md, "cuda"). */
  schedule: string;
  /**
   * The resident schedule: shared memory a block takes per copy, the GPU's per block, whether a
   * batch runs it, its blocks per SM and so the copies that run at once (later ones wait for a
   * block to finish its window).
   */
  resident: { bytesPerCopy: number; sharedPerBlock: number; chosen: boolean; blocksPerSm: number; copiesAtOnce: number };
  /** Synapses the plan expects: the connectors' expected counts. */
  synapses: number;
}

/** Part of the device left to the CUDA context, the kernels and the allocator (10 %). */
export const DEVICE_RESERVE = 0.1;

/** The default GPU's memory (an H100's). */
export const DEFAULT_DEVICE_GIB = DEFAULT_GPU.memoryGiB;

/** The expected number of synapses a connector makes between `pre` and `post`. */
export function expectedSynapses(connector: ConnectorSpec, pre: PopulationIR, post: PopulationIR): number {
  const selfPairs = pre.index === post.index && !('allowSelfConnections' in connector && connector.allowSelfConnections) ? Math.min(pre.size, post.size) : 0;
  switch (connector.type) {
    case 'allToAll': return pre.size * post.size - selfPairs;
    case 'oneToOne': return Math.min(pre.size, post.size);
    case 'fixedProbability': return Math.round(connector.probability * (pre.size * post.size - selfPairs));
    case 'fixedNumberPre': return connector.number * post.size;
    case 'fixedNumberPost': return connector.number * pre.size;
    case 'fromSparse': return connector.pre.length;
  }
}

// The longest delay (ms) a connector's delays give: a number, a list's largest, a distribution's
// upper bound (without one, six standard deviations above the mean).
function longestDelayMs(connector: ConnectorSpec, dt: number): number {
  const d: unknown = connector.delays;
  if (typeof d === 'number') return d;
  if (Array.isArray(d)) return Math.max(dt, ...d);
  if (!isDistribution(d)) return dt;
  if (d.kind === 'uniform') return d.max;
  if (d.max !== undefined) return d.max;
  return d.kind === 'normal' ? d.mean + 6 * d.sd : Math.exp(d.mu + 6 * d.sigma);
}

const delaySteps = (ms: number, dt: number) => Math.max(1, Math.round(ms / dt));

function populationItems(pop: PopulationIR, ir: NetworkIR, spec: NetworkSpec, real: number): PlanItem[] {
  const n = pop.size;
  const attrs = pop.attrs.reduce((sum, a) => sum + (a.shared ? 1 : n) * real, 0);
  const conductances = pop.conductances.filter((g) => !pop.attrs.some((a) => a.name === g)).length * n * real;
  const sums = pop.sums.length * n * real;
  const times = spec.populations[pop.index]?.spikeTimes?.flat().length ?? 0;
  // Last spike and refractory countdown per neuron; a spike source's times and cursor instead.
  const spiking = pop.model ? 12 * n + (pop.refractory ? n * real : 0) : 8 * (n + 1) + 8 * times + 8 * n;
  const outgoing = ir.projections.filter((j) => j.pre === pop.index && j.delays === 'uniform');
  const depth = Math.max(1, ...outgoing.map((j) => delaySteps(longestDelayMs(spec.projections[j.index].connector, spec.dt), spec.dt)));
  const history = 4 * depth * n + 4 * depth + n + 8;
  return [
    { object: pop.name, bytes: attrs + conductances + sums + spiking, detail: 'state', sharedInBatch: false },
    { object: pop.name, bytes: history, detail: `spike history (${depth} step${depth === 1 ? '' : 's'})`, sharedInBatch: false },
  ];
}

/** Connectors whose synapses do not depend on the seed: every copy of a batch builds the same ones. */
const SEEDLESS_CONNECTORS: readonly ConnectorSpec['type'][] = ['allToAll', 'oneToOne', 'fromSparse'];

function projectionItems(proj: ProjectionIR, ir: NetworkIR, spec: NetworkSpec, real: number): { items: PlanItem[]; synapses: number } {
  const pre = ir.populations[proj.pre];
  const post = ir.populations[proj.post];
  const connector = spec.projections[proj.index].connector;
  const k = expectedSynapses(connector, pre, post);
  const perSynapse = (proj.weights === 'synapse' ? real : 0)
    + proj.attrs.filter((a) => !a.shared).length * real
    + (proj.model.variables.some((v) => v.eventDriven) ? 8 : 0);
  const shared = real * (1 + proj.attrs.filter((a) => a.shared).length) + 4;
  // Rows and columns, per-synapse delays, the postsynaptic index: built at create, read-only after.
  const postIndex = proj.model.postSpike.length ? 8 * (post.size + 1) + 12 * k : 0;
  const connectivity = 8 * (pre.size + 1) + 4 * k + (proj.delays === 'synapse' ? 2 * k : 0) + postIndex;
  const sharedInBatch = SEEDLESS_CONNECTORS.includes(connector.type) && !(proj.delays === 'synapse' && isDistribution(connector.delays));
  const ring = proj.delays === 'synapse' ? delaySteps(longestDelayMs(connector, spec.dt), spec.dt) * post.size * real : 0;
  return {
    synapses: k,
    items: [
      { object: proj.name, bytes: connectivity, detail: `connectivity (${k} synapses expected${sharedInBatch ? '; one for a whole batch' : ''})`, sharedInBatch },
      { object: proj.name, bytes: perSynapse * k + shared, detail: 'synaptic state', sharedInBatch: false },
      ...(ring ? [{ object: proj.name, bytes: ring, detail: 'delay ring', sharedInBatch: false }] : []),
    ],
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

// The schedule a batch of `ir` runs on `gpu`, as runtime/resident.hpp chooses it; a single
// simulation runs per-step kernels.
function batchSchedule(ir: NetworkIR, gpu: GpuModel): { schedule: string; resident: MemoryPlan['resident'] } {
  const bytesPerCopy = residentBytes(ir);
  const refusal = residentRefusal(ir);
  const blocksPerSm = refusal ? 0 : residentBlocksPerSm(gpu, bytesPerCopy);
  const copiesAtOnce = blocksPerSm * gpu.sms;
  const why = refusal ?? `its state takes ${kib(bytesPerCopy)} of shared memory per copy, more than a block's ${kib(gpu.sharedPerBlock)}`;
  const blocks = blocksPerSm === 2 ? 'a block of 256 threads per copy, two per SM' : 'a block of 512 threads per copy, one per SM';
  return {
    resident: { bytesPerCopy, sharedPerBlock: gpu.sharedPerBlock, chosen: blocksPerSm > 0, blocksPerSm, copiesAtOnce },
    schedule: blocksPerSm > 0
      ? `batches resident: ${blocks} (${copiesAtOnce} copies at once), its state in ${kib(bytesPerCopy)} of shared memory (of ${kib(gpu.sharedPerBlock)}), up to 1000 steps per launch; a single simulation per-step kernels`
      : `per-step kernels (not resident: ${why})`,
  };
}

/** The plan for one copy of `spec` (compiled to `ir`) on `gpu` (an H100 unless given) with `deviceBytes` free. */
export function planMemory(spec: NetworkSpec, ir: NetworkIR, deviceBytes: number, gpu: GpuModel = DEFAULT_GPU): MemoryPlan {
  const real = ir.precision === 'float' ? 4 : 8;
  const projections = ir.projections.map((j) => projectionItems(j, ir, spec, real));
  const items = [...ir.populations.flatMap((p) => populationItems(p, ir, spec, real)), ...projections.flatMap((p) => p.items)];
  const sum = (list: PlanItem[]) => list.reduce((total, i) => total + i.bytes, 0);
  const bytesPerCopy = sum(items.filter((i) => !i.sharedInBatch));
  const sharedBytes = sum(items.filter((i) => i.sharedInBatch));
  return {
    network: spec.name,
    gpu: gpu.name,
    deviceBytes,
    bytesPerCopy,
    sharedBytes,
    copiesThatFit: Math.max(0, Math.floor((deviceBytes * (1 - DEVICE_RESERVE) - sharedBytes) / bytesPerCopy)),
    items,
    ...batchSchedule(ir, gpu),
    synapses: projections.reduce((sum, p) => sum + p.synapses, 0),
  };
}
