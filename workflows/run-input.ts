// Run i of a sweep as the run activities receive it: the sweep's settings with the run's values,
// parameters and seed expanded from the plan (pure; used by the batch workflow and by the group
// activity, which expands its runs itself so that its input stays one sweep and a range).
import type { RunInput, SweepInput } from './contract.js';
import { planRun } from './plan/expand.js';

export function runInputOf(sweep: SweepInput, index: number): RunInput {
  const planned = planRun(sweep.plan, index);
  return {
    sweepId: sweep.sweepId, output: sweep.output, runIndex: index, values: planned.values, params: planned.params, seed: planned.seed,
    networkSha256: sweep.networkSha256, network: sweep.network, protocol: sweep.protocol, durationMs: sweep.durationMs, threads: sweep.threads,
    checkpointEveryMs: sweep.checkpointEveryMs, backend: sweep.backend, cudaMode: sweep.cudaMode,
  };
}
