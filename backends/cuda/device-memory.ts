// The free memory of the GPU a worker's batches run on, read before each group is cut into batches
// (activities/sweep/gpu-batches.ts): other processes, and other workers on a shared GPU, take
// their part. It comes from nvidia-smi, the driver's own tool (present wherever the driver is, and
// in containers the NVIDIA runtime prepares), so the worker asks without loading CUDA itself.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface DeviceMemory {
  /** nvidia-smi's name for the GPU: an index or a UUID. */
  id: string;
  freeBytes: number;
  totalBytes: number;
}

const MIB = 2 ** 20;

/**
 * nvidia-smi's id for CUDA device `device`: CUDA numbers only the GPUs CUDA_VISIBLE_DEVICES lists,
 * in its order (indices or UUIDs, both of which nvidia-smi takes); without it, all of them.
 */
export function nvidiaSmiId(device: number, visible = process.env.CUDA_VISIBLE_DEVICES): string {
  if (visible === undefined || visible.trim() === '') return String(device);
  const listed = visible.split(',').map((d) => d.trim()).filter(Boolean);
  const id = listed[device];
  if (id === undefined) throw new RangeError(`cuda device ${device} is not among CUDA_VISIBLE_DEVICES=${visible} (${listed.length} listed)`);
  return id;
}

/** Parses `--query-gpu=memory.free,memory.total --format=csv,noheader,nounits` output (MiB). */
export function parseMemoryQuery(id: string, stdout: string): DeviceMemory {
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(stdout.trim().split('\n')[0] ?? '');
  if (!match) throw new Error(`nvidia-smi gave no memory figures for GPU ${id}: ${JSON.stringify(stdout.trim().slice(0, 200))}`);
  return { id, freeBytes: Number(match[1]) * MIB, totalBytes: Number(match[2]) * MIB };
}

/** The memory of CUDA device `device` now; rejects with why when nvidia-smi is missing or fails. */
export async function readDeviceMemory(device: number): Promise<DeviceMemory> {
  const id = nvidiaSmiId(device);
  const { stdout } = await promisify(execFile)('nvidia-smi', ['--query-gpu=memory.free,memory.total', '--format=csv,noheader,nounits', `--id=${id}`], { timeout: 10_000 });
  return parseMemoryQuery(id, stdout);
}
