// A batch: copies of one network structure, each with its own values (its own spec), seed and
// output folder, run as one simulation — on the cuda backend stepped together with each kernel
// launched once over every copy (backends/README.md, "cuda"); on a CPU backend one copy after
// another, window by window. Each copy is an ordinary run of the engine (driver.ts) with its own
// monitors, files, manifest, checkpoints (resumed alone, with resumeRun) and report; only its windows' steps run in the batch
// (batch-windows.ts). One compile serves every copy: values are never compiled in.
import { compileNetwork } from '../../backends/index.js';
import { buildIR } from '../../network/ir/ir.js';
import { SpecError } from '../../network/spec/errors.js';
import { BatchWindows } from './batch-windows.js';
import { drive } from './driver.js';
import type { RunNetworkOptions, RunReport } from './options.js';
import { checkFreshFolder } from './run.js';
import { resolveSession } from './session.js';

/** What differs between the copies of a batch. */
export type BatchCopy = Pick<RunNetworkOptions, 'spec' | 'specFile' | 'seed' | 'outDir' | 'runId' | 'onProgress'>;

/** The copies, and what they share: duration, protocol, backend, windows, checkpoints, signal, logger. */
export interface RunBatchOptions extends Omit<RunNetworkOptions, keyof BatchCopy | 'seedDrawn'> {
  copies: BatchCopy[];
}

/**
 * Runs every copy and resolves with their reports in order, each what runNetwork gives for that
 * copy's spec and seed. When a copy fails, the others still finish; it then rejects with the first
 * failure. Copies must share the structure (one compile) and have their own output folders.
 */
export async function runBatch(opts: RunBatchOptions): Promise<RunReport[]> {
  const settled = await runBatchSettled(opts);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<RunReport>).value);
}

/**
 * As runBatch, but with each copy's outcome — its report or its error — for a caller that keeps
 * each copy's fate apart (a sweep's group: each run commits or fails on its own). It rejects only
 * before any copy runs: bad options, copies of different structures, a failed compile.
 */
export async function runBatchSettled(opts: RunBatchOptions): Promise<PromiseSettledResult<RunReport>[]> {
  const { copies, ...shared } = opts;
  if (!Array.isArray(copies) || copies.length === 0) throw new RangeError('runBatch: copies must be a non-empty array');
  // One kernel for every copy: a clean build happens once, here.
  const sessions = copies.map((c) => resolveSession({ ...shared, ...c, compile: { ...shared.compile, clean: false } }));
  checkCopies(sessions.map((s) => ({ file: s.specFile ?? '<spec>', hash: buildIR(s.spec).structureHash, outDir: s.outDir })));
  for (const s of sessions) await checkFreshFolder(s);
  const first = sessions[0];
  const compiled = await compileNetwork(first.spec, { ...shared.compile, backend: first.backend, cudaMode: first.cudaMode, file: first.specFile ?? '<spec>' });
  const windows = new BatchWindows(compiled.kernel, sessions.length, shared.signal);
  try {
    return await Promise.allSettled(sessions.map((s, i) => drive(s, null, windows.of(i, sessions.length)).finally(() => windows.leave())));
  } finally {
    windows.destroy();
  }
}

// Every copy has copy 0's structure and an output folder of its own.
function checkCopies(copies: { file: string; hash: string; outDir: string }[]): void {
  const [first] = copies;
  copies.forEach((c, i) => {
    if (c.hash !== first.hash)
      throw new SpecError(c.file, [{ path: ['copies', i], message: `copy ${i} differs in structure from copy 0 (structure ${c.hash.slice(0, 12)}, copy 0 ${first.hash.slice(0, 12)}): a batch runs copies of one structure, differing only in values and seeds` }]);
    const same = copies.findIndex((o) => o.outDir === c.outDir);
    if (same !== i) throw new SpecError(c.file, [{ path: ['copies', i, 'outDir'], message: `copy ${i} writes to copy ${same}'s output folder ${c.outDir}; each copy needs its own` }]);
  });
}
