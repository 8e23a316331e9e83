// `spikesweep run <spec> --backend cuda --plan`: the cuda backend's memory plan for a network —
// bytes per copy and once per batch, how many copies a GPU of the given model and memory holds, the schedule — on any machine,
// GPU or not (backends/cuda/plan.ts).
import { backendFor, checkSpecForBackend } from '../backends/index.js';
import { DEFAULT_GPU, GPU_MODELS } from '../backends/cuda/gpus.js';
import { planMemory, type MemoryPlan } from '../backends/cuda/plan.js';
import { loadExperiment } from '../network/experiment/index.js';
import { buildIR } from '../network/ir/ir.js';
import { SpecError } from '../network/spec/errors.js';
import type { RunCliOptions } from './options.js';
import { formatTable } from './table.js';

const GIB = 2 ** 30;

export function planFor(specFile: string, options: RunCliOptions): MemoryPlan {
  const { network: spec } = loadExperiment(specFile);
  const ir = buildIR(spec);
  const issues = checkSpecForBackend(spec, backendFor('cuda'), ir);
  if (issues.length) throw new SpecError(specFile, issues);
  const gpu = options.gpu ? GPU_MODELS[options.gpu] : DEFAULT_GPU;
  return planMemory(spec, ir, (options.deviceMemory ?? gpu.memoryGiB) * GIB, gpu);
}

const bytes = (n: number) => (n >= GIB ? `${(n / GIB).toFixed(2)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export function formatPlan(plan: MemoryPlan): string {
  const head = [
    `cuda memory plan for ${plan.network}`,
    `  device             ${plan.gpu}, ${bytes(plan.deviceBytes)}`,
    `  bytes per copy     ${bytes(plan.bytesPerCopy)} (${plan.bytesPerCopy.toLocaleString('en-US')} B; ${plan.synapses.toLocaleString('en-US')} synapses expected)`,
    ...(plan.sharedBytes ? [`  once per batch     ${bytes(plan.sharedBytes)} (connectivity the copies share: its connectors draw nothing from the seed)`] : []),
    `  copies that fit    ${plan.copiesThatFit.toLocaleString('en-US')} (10 % of the device left to CUDA)`,
    `  schedule           ${plan.schedule}`,
    '',
  ].join('\n');
  return `${head}\n${formatTable(['object', 'what', 'bytes'], plan.items.map((i) => ({ object: i.object, what: i.detail, bytes: bytes(i.bytes) })))}`;
}
