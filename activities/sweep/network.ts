// The network spec of a sweep's run: read from the dataset folder by its hash (results/network-spec.ts)
// and verified, once per worker process per spec — a group's runs, and every later group of the
// sweep on this worker, share the parsed spec, and its IR when their parameters are values. Inputs
// recorded before specs were stored carry it inline.
import { buildIR, type NetworkIR } from '../../network/ir/ir.js';
import { deepFreeze } from '../../network/ir/models.js';
import { isStructuralPath } from '../../network/spec/paths.js';
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

/** The IR of each network spec this process read (specs are few and live while cached). */
const structures = new WeakMap<NetworkSpec, NetworkIR>();

/**
 * The IR of `network` with `params` applied, when none of them changes its structure: then it is
 * the network's own, built once. Undefined when a parameter is structural (a connector's weights
 * or delays given as a distribution): that run builds its own.
 */
export function sharedStructure(network: NetworkSpec, params: Record<string, number>): NetworkIR | undefined {
  if (Object.keys(params).some((path) => isStructuralPath(network, path))) return undefined;
  let ir = structures.get(network);
  if (!ir) structures.set(network, (ir = deepFreeze(buildIR(network))));
  return ir;
}
