// The network spec of a sweep's run: read from the dataset folder by its hash (results/network-spec.ts)
// and verified, once per worker process per spec — a group's runs, and every later group of the
// sweep on this worker, share the parsed spec. Inputs recorded before specs were stored carry it inline.
import { readNetworkSpec, sweepDir } from '../../results/index.js';
import type { NetworkSpec } from '../../network/spec/schema.js';
import type { RunInput } from '../../workflows/contract.js';

/** Specs kept parsed: a worker serves a handful of sweeps at a time, and one spec may be megabytes. */
const CACHED_SPECS = 4;
const cache = new Map<string, Promise<NetworkSpec>>();

/** Where a run's network spec is: stored in the dataset folder by hash, or inline (older inputs). */
export type NetworkSource = Pick<RunInput, 'sweepId' | 'output' | 'networkSha256' | 'network'>;

/**
 * The run's network spec. Throws NetworkSpecFileError (naming the file and the expected hash)
 * when the stored file is missing or is not the spec the hash names.
 */
export async function networkOf(input: NetworkSource): Promise<NetworkSpec> {
  const sha256 = input.networkSha256;
  if (sha256 === undefined) {
    if (!input.network) throw new Error(`run input of sweep ${input.sweepId} has neither networkSha256 nor network`);
    return input.network;
  }
  let spec = cache.get(sha256);
  if (!spec) {
    spec = readNetworkSpec(sweepDir(input.output, input.sweepId), sha256);
    cache.set(sha256, spec);
    // A failed read is not kept: the file may be restored, and the next run reads it again.
    spec.catch(() => { if (cache.get(sha256) === spec) cache.delete(sha256); });
    if (cache.size > CACHED_SPECS) cache.delete(cache.keys().next().value!);
  } else {
    // Most recently used last, so eviction drops the spec unused the longest.
    cache.delete(sha256);
    cache.set(sha256, spec);
  }
  return spec;
}
