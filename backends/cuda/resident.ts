// The cuda backend's resident schedule (runtime/resident.hpp): which networks it can run, and the
// per-neuron state each copy's block keeps in shared memory. The generated code stages exactly
// these arrays (schedule.ts) and the memory plan counts them (plan.ts), so the two agree.
import { popMember } from '../codegen/cpp.js';
import type { NetworkIR } from '../../network/ir/ir.js';
import { DEFAULT_GPU, residentBlocksPerSm } from './gpus.js';
import { SCAN_PARTS, spikeChunks } from './spike-chunks.js';

/** One array a resident block keeps in shared memory. */
export interface StagedArray {
  /** The generated member holding it. */
  member: string;
  count: number;
  /** Where it starts in shared memory, and its bytes there, rounded up to the 16-byte boundary the next one starts on. */
  offset: number;
  bytes: number;
}

const STAGE_ALIGN = 16;
const staged = (member: string, count: number, element: number) => ({ member, count, bytes: Math.ceil((count * element) / STAGE_ALIGN) * STAGE_ALIGN });

/**
 * Why a network cannot run resident, or null when it can. A resident window runs steps with no
 * host code between them: postsynaptic events and BOLD inputs run on the host each step.
 */
export function residentRefusal(ir: NetworkIR): string | null {
  const post = ir.projections.find((j) => j.model.postSpike.length > 0);
  if (post) return `projection ${post.name} has postsynaptic events, which run on the host every step`;
  const bold = ir.populations.find((p) => p.bold);
  if (bold) return `${bold.name} is a BOLD monitor, whose input the host reads every step`;
  return null;
}

/**
 * What each block stages, in this order of precedence: the arrays every step reads and writes for
 * every neuron (each population's per-neuron variables, conductances and sums and its refractory
 * countdown); its spike stage's chunk counts, places and part sums (small, but each step's prefix
 * sum waits on them several times over); its spike flags (a byte per neuron). The later ones are
 * left in device memory where that lets two copies share an SM of the default GPU (an H100: at
 * most 115,712 B each). Parameters, last spike times, the spike history and everything of the
 * projections stay in device memory.
 */
export function stagedArrays(ir: NetworkIR): StagedArray[] {
  const real = ir.precision === 'float' ? 4 : 8;
  const state = ir.populations.flatMap((pop) => {
    if (!pop.model) return [];
    const variables = pop.attrs.filter((a) => a.kind === 'variable' && !a.shared).map((a) => a.name);
    const conductances = pop.conductances.filter((g) => !pop.attrs.some((a) => a.name === g));
    return [
      ...[...new Set([...variables, ...conductances, ...pop.sums.map((t) => `sum_${t}`)])].map((n) => staged(popMember(pop, n), pop.size, real)),
      staged(popMember(pop, '_refractory_left'), pop.size, 4),
    ];
  });
  const scratch = ir.populations.flatMap((pop) => [
    staged(`spike_stages[${pop.index}].chunk_count.at`, spikeChunks(pop.size), 4),
    staged(`spike_stages[${pop.index}].chunk_first.at`, spikeChunks(pop.size), 4),
    staged(`spike_stages[${pop.index}].part_sums.at`, 2 * SCAN_PARTS, 4),
  ]);
  const flags = ir.populations.map((pop) => staged(popMember(pop, '_fire'), pop.size, 1));
  const bytes = (list: Omit<StagedArray, 'offset'>[]) => list.reduce((sum, a) => sum + a.bytes, 0);
  const tiers = [[...state, ...scratch, ...flags], [...state, ...scratch], state];
  const chosen = tiers.find((t) => residentBlocksPerSm(DEFAULT_GPU, bytes(t)) === 2) ?? tiers[0];
  let offset = 0;
  return chosen.map((a) => ({ ...a, offset: (offset += a.bytes) - a.bytes }));
}

/** Shared memory per block a resident copy of `ir` takes. */
export const residentBytes = (ir: NetworkIR): number => stagedArrays(ir).reduce((sum, a) => sum + a.bytes, 0);
