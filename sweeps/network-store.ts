// Submission stores the sweep's network spec in the sweep's dataset folder (results/network-spec.ts),
// before anything reaches the server: the workflow then carries only its hash, and a submitter that
// cannot write the folder the workers share learns it here, in one sentence.
import type { NetworkSpec } from '../network/spec/schema.js';
import { storeNetworkSpec } from '../results/index.js';

/** The submitter cannot write the sweep's output folder. */
export class SweepOutputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SweepOutputError';
  }
}

/** Stores `spec` in the dataset folder `dataset` (`<output>/<sweepId>`) and returns its SHA-256. */
export async function storeSweepNetwork(dataset: string, spec: NetworkSpec): Promise<string> {
  try {
    return (await storeNetworkSpec(dataset, spec)).sha256;
  } catch (e) {
    throw new SweepOutputError(
      `cannot write the sweep's network spec into its output folder ${dataset} (${(e as Error).message}); the submitter must be able to write the output folder, which every worker reads the spec from — set a writable \`output\` (or --out) on storage the workers share, mounted at the same path`,
      { cause: e },
    );
  }
}
