// parallelRun: ANNarchy's parallel_run inside one process. Each copy is a Network of the same
// spec built on the kernel this process already loaded (compile() is a memo hit), with its own
// native simulation, run on its own addon thread; copies get their seeds from the sweep's seed
// policies, so copy k's spikes are those of the sweep run with the same values and seed.
import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { policySeeds, validatePlan } from '../../workflows/plan/expand.js';
import type { SeedPolicy } from '../../workflows/plan/types.js';
import type { Network } from './network.js';

/**
 * Seeds of the copies: 'same' (every copy the network's seed), 'sequential' (seed + k + 1 for
 * copy k), 'random' (drawn from a fresh master seed, returned), { master } (drawn from that
 * master: the same seeds every time) or one seed per copy.
 */
export type ParallelSeeds = 'same' | 'sequential' | 'random' | { master: number } | number[];

export interface ParallelRunOptions {
  /** Default 'random', as ANNarchy's. */
  seeds?: ParallelSeeds;
  /** Copies alive and running at once; default the cores available / the network's threads (at least 1). */
  maxConcurrent?: number;
  /** Also report each copy's wall time and the total (ms). */
  measureTime?: boolean;
}

/** What `method(copy, index)` gives for one copy. */
export type CopyMethod<T> = (copy: Network, index: number) => Promise<T> | T;

export interface ParallelRunResult<T> {
  /** method's return values, in copy order. */
  results: T[];
  /** The seed each copy ran with. */
  seeds: number[];
  /** With random seeds: the master they were drawn from (pass { master } to draw them again). */
  master?: number;
  /** With measureTime: each copy's wall time in ms, from building its simulation to method's end. */
  wallMs?: number[];
  /** With measureTime: wall time of the whole parallelRun in ms. */
  totalMs?: number;
}

/** A copy's method failed: `index` is the first copy that did; `settled` holds every copy's outcome. */
export class ParallelRunError<T = unknown> extends Error {
  constructor(
    readonly index: number,
    readonly settled: PromiseSettledResult<T>[],
    readonly seeds: number[],
  ) {
    const failed = settled.flatMap((s, k) => (s.status === 'rejected' ? [k] : []));
    const cause = (settled[index] as PromiseRejectedResult).reason;
    const others = failed.length > 1 ? ` (${failed.length} copies failed: ${failed.join(', ')})` : '';
    super(`parallelRun: copy ${index} (seed ${seeds[index]}) failed: ${cause instanceof Error ? cause.message : String(cause)}${others}`, { cause });
    this.name = 'ParallelRunError';
  }
}

const SEED = 'expected a seed, an integer from 0 to 2^53 - 1';
const seedInt = z.number({ error: SEED }).int(SEED).min(0, SEED).max(Number.MAX_SAFE_INTEGER, SEED);
const OptionsSchema = z.object({
  seeds: z.union([
    z.enum(['same', 'sequential', 'random']),
    z.object({ master: seedInt }).strict(),
    z.array(seedInt).min(1),
  ], { error: "expected 'same', 'sequential', 'random', { master: seed } or a list of seeds (integers ≥ 0)" }).default('random'),
  maxConcurrent: z.number().int().min(1, 'expected an integer ≥ 1').optional(),
  measureTime: z.boolean().default(false),
}).strict();

/** The copies' seed policy for `number` copies of a network seeded `seed`, as a sweep's. */
export function copySeedPolicy(seeds: ParallelSeeds, number: number, seed: number): SeedPolicy {
  if (Array.isArray(seeds)) {
    if (seeds.length !== number) throw new RangeError(`parallelRun: seeds lists ${seeds.length} seed${seeds.length === 1 ? '' : 's'} for ${number} copies; give one per copy`);
    return { policy: 'list', values: seeds };
  }
  if (typeof seeds === 'object') return { policy: 'random', master: seeds.master, count: number };
  if (seeds === 'random') return { policy: 'random', master: randomInt(2 ** 31), count: number };
  return { policy: seeds, base: seed, count: number };
}

export async function parallelRun<T>(net: Network, method: CopyMethod<T>, number: number, options: ParallelRunOptions = {}): Promise<ParallelRunResult<T>> {
  if (typeof method !== 'function') throw new TypeError('parallelRun: method must be a function (copy, index) => result');
  if (!Number.isSafeInteger(number) || number < 1) throw new RangeError(`parallelRun: number must be an integer ≥ 1 (how many copies to run), got ${number}`);
  if (net.compiledStructureHash === null) throw new Error('parallelRun: the network is not compiled yet: call compile() first');
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`parallelRun: options.${issue.path.join('.') || '(options)'}: ${issue.message}`);
  }
  const { seeds: requested, measureTime } = parsed.data;
  const policy = copySeedPolicy(requested, number, net.seed);
  const problems = validatePlan({ grid: [], zip: [], sample: null, seeds: policy });
  if (problems.length) throw new RangeError(`parallelRun: ${problems.join('; ')}`);
  const seeds = policySeeds(policy);
  const maxConcurrent = parsed.data.maxConcurrent ?? Math.max(1, Math.floor(availableParallelism() / net.toSpec().config.numThreads));

  const started = performance.now();
  const settled = new Array<PromiseSettledResult<T>>(number);
  const wallMs = new Array<number>(number);
  let next = 0;
  // Each lane takes the next copy when its last one is done, so at most maxConcurrent copies exist at once.
  const lane = async (): Promise<void> => {
    for (let k = next++; k < number; k = next++) {
      const copyStarted = performance.now();
      let copy: Network | null = null;
      try {
        copy = net.copy({ seed: seeds[k] });
        await copy.compile();
        settled[k] = { status: 'fulfilled', value: await method(copy, k) };
      } catch (reason) {
        settled[k] = { status: 'rejected', reason };
      } finally {
        copy?.destroy();
        wallMs[k] = performance.now() - copyStarted;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(maxConcurrent, number) }, lane));

  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) throw new ParallelRunError(failed, settled, seeds);
  return {
    results: settled.map((s) => (s as PromiseFulfilledResult<T>).value),
    seeds,
    ...(policy.policy === 'random' ? { master: policy.master } : {}),
    ...(measureTime ? { wallMs, totalMs: performance.now() - started } : {}),
  };
}
