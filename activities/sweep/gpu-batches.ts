// A group's runs on the cuda backend, as batches (engine runBatch): the fresh runs of one network
// structure, as many to a batch as the memory plan (backends/cuda/plan.ts) fits in the GPU's free
// memory at that moment, run as one simulation in a runner process. Each run is still prepared,
// judged and committed on its own (run.ts: prepareRun, settleRun), so a retried group skips its
// committed runs. A batch's heartbeats list its runs' checkpoints (supervise.ts): when the group
// is retried, each run an interrupted batch left a checkpoint for resumes alone, the others run
// afresh as a batch.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { loadUserConfig } from '../../backends/index.js';
import { readDeviceMemory } from '../../backends/cuda/device-memory.js';
import { DEFAULT_DEVICE_GIB, planMemory } from '../../backends/cuda/plan.js';
import { emulated } from '../../backends/cuda/toolchain.js';
import { buildIR, type NetworkIR } from '../../network/ir/ir.js';
import type { NetworkSpec } from '../../network/spec/schema.js';
import { applyParameters } from '../../network/spec/paths.js';
import { stepsOf } from '../../network/spec/steps.js';
import { runPaths } from '../../results/index.js';
import type { RunHeartbeat, RunInput } from '../../workflows/contract.js';
import { networkOf } from './network.js';
import { attemptOutDir, prepareRun, settleRun, type PreparedRun, type RunVerdict } from './run.js';
import type { FreshRunJob, RunSettings } from './runner-protocol.js';
import { runBatchSupervised, runSupervised } from './supervise.js';

const DEFAULT_DEVICE_BYTES = DEFAULT_DEVICE_GIB * 2 ** 30;
let warnedUnknownMemory = false;

/**
 * The device memory a group's batches are planned for: the free memory of this worker's GPU now.
 * Emulated there is no GPU, and without nvidia-smi no figure: an H100's, and a batch too large
 * for the device is refused copy by copy at allocation, with the figures.
 */
async function plannedDeviceBytes(): Promise<number> {
  if (emulated()) return DEFAULT_DEVICE_BYTES;
  try {
    return (await readDeviceMemory(loadUserConfig().cudaDevice ?? 0)).freeBytes;
  } catch (error) {
    if (!warnedUnknownMemory) Context.current().log.warn(`batches are planned for ${DEFAULT_DEVICE_GIB} GiB: the GPU's free memory is unknown (${error instanceof Error ? error.message : String(error)})`);
    warnedUnknownMemory = true;
    return DEFAULT_DEVICE_BYTES;
  }
}

/**
 * Fresh runs in batches: one structure each, at most as many copies as `deviceBytes` holds. A run
 * whose network cannot be built here goes alone: its runner names why (bad input).
 */
async function batchesOf(runs: PreparedRun[], deviceBytes: number): Promise<PreparedRun[][]> {
  const byStructure = new Map<string, { runs: PreparedRun[]; fit: number }>();
  const alone: PreparedRun[][] = [];
  for (const run of runs) {
    let spec: NetworkSpec;
    let ir: NetworkIR;
    try {
      spec = applyParameters(await networkOf(run.input), run.input.params);
      ir = buildIR(spec);
    } catch {
      alone.push([run]);
      continue;
    }
    const group = byStructure.get(ir.structureHash) ?? { runs: [], fit: Math.max(1, planMemory(spec, ir, deviceBytes).copiesThatFit) };
    group.runs.push(run);
    byStructure.set(ir.structureHash, group);
  }
  return [...alone, ...[...byStructure.values()].flatMap(({ runs: all, fit }) => Array.from({ length: Math.ceil(all.length / fit) }, (_, k) => all.slice(k * fit, (k + 1) * fit)))];
}

/** What the interrupted attempt's last heartbeat says of a run: it was the run in progress, or a run of a batch with a checkpoint. */
function previousOf(input: RunInput, previous: RunHeartbeat | undefined): RunHeartbeat | undefined {
  const { runIndex } = input;
  if (previous?.runIndex === runIndex && !previous.checkpoints) return previous;
  const step = previous?.checkpoints?.find((c) => c.runIndex === runIndex)?.step;
  if (step === undefined) return undefined;
  const checkpointDir = attemptOutDir(runPaths(input.output, input.sweepId, runIndex));
  return { runIndex, stepsDone: step, totalSteps: previous!.totalSteps, checkpointDir, checkpointStep: step };
}

/**
 * Every run's verdict, in the order of `inputs`. A run's retryable failure is thrown once every
 * other run has its verdict (committed runs stay committed). `onVerdict` follows each verdict.
 */
export async function runInBatches(inputs: RunInput[], settings: RunSettings, previous: RunHeartbeat | undefined, onVerdict: (input: RunInput, verdict: RunVerdict) => void): Promise<void> {
  let retry: unknown = null;
  const settle = async (run: PreparedRun, judge: () => Promise<RunVerdict>) => {
    try {
      onVerdict(run.input, await judge());
    } catch (error) {
      if (!(error instanceof ApplicationFailure)) throw error;
      retry ??= error;
    }
  };
  const fresh: PreparedRun[] = [];
  for (const input of inputs) {
    const run = await prepareRun(input, settings, previousOf(input, previous));
    if ('record' in run) onVerdict(input, run);
    else if (run.job.kind === 'resume') await settle(run, async () => settleRun(run, await runSupervised(run.job, input.runIndex, stepsOf(input.durationMs, run.dt))));
    else fresh.push(run);
  }
  for (const batch of fresh.length ? await batchesOf(fresh, await plannedDeviceBytes()) : []) {
    const [first] = batch;
    const outcomes = await runBatchSupervised({ kind: 'batch', runs: batch.map((r) => r.job as FreshRunJob) }, batch.map((r) => r.input.runIndex), stepsOf(first.input.durationMs, first.dt));
    for (const [k, run] of batch.entries()) await settle(run, () => settleRun(run, outcomes[k]));
  }
  if (retry) throw retry;
}
