// Continuing a checkpointed run from its folder (README.md, "Resumable runs"): every check first,
// then the driver from the checkpoint's step.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { compileNetwork } from '../../backends/index.js';
import { CheckpointError, type CheckpointHeader } from '../../network/state/index.js';
import { checkCheckpointStructure, readSimCheckpoint } from '../checkpoint.js';
import { replaySpikeParts } from '../parquet/spike-replay.js';
import { IsiStats } from '../isi-stats.js';
import { SpikeHasher, type SpikeWindowBatch } from '../spike-hash.js';
import { readProgress, uncommittedFiles, type Progress } from './layout.js';
import { partFiles, type CheckpointRecord, type ResumeRecord, type RunContext, type Session } from './records.js';
import { drive } from './driver.js';
import { ResumeError } from './errors.js';
import type { ResumeRunOptions, RunReport } from './options.js';
import { resolveTotalSteps } from './session.js';
import { ms } from './timings.js';

/** Continues a checkpointed run in `outDir` from its latest complete checkpoint to `durationMs` (total). */
export async function resumeRun(opts: ResumeRunOptions): Promise<RunReport> {
  const outDir = resolve(opts.outDir);
  const log = opts.logger ?? pino({ level: 'silent' });
  const started = performance.now();
  // Nothing in the folder changes before the checkpoint, the network and every committed part
  // have been checked: a resume that fails here leaves the folder as it found it.
  const progress = await readProgressOf(outDir);
  const ckptPath = join(outDir, progress.checkpoint);
  const { header, state } = await readSimCheckpoint(ckptPath);
  const context = await checkCommitted(outDir, progress, header);
  const dt = context.spec.dt;
  const file = context.specFile ?? '<spec>';
  const totalSteps = resolveTotalSteps(context.spec, context.protocol, opts.durationMs ?? context.totalSteps * dt, file);
  if (totalSteps < header.step)
    throw new ResumeError(outDir, `it has already simulated ${header.step * dt} ms; the duration (${totalSteps * dt} ms) is the total, not the time left`);

  const compiled = await compileNetwork(context.spec, { ...opts.compile, backend: context.backend ?? 'openmp', cudaMode: context.cudaMode, file });
  checkCheckpointStructure(ckptPath, header, compiled.ir.structureHash);

  const replayStarted = performance.now();
  const { hasher, isi } = await replayCommittedSpikes(outDir, context);
  const replayMs = performance.now() - replayStarted;
  const garbage = await uncommittedFiles(outDir, progress);
  const record: CheckpointRecord = (progress as Progress & { latest?: CheckpointRecord }).latest
    ?? { step: header.step, tMs: header.step * dt, path: progress.checkpoint, bytes: (await stat(ckptPath)).size, writeMs: 0 };
  log.info({ outDir, step: header.step, garbage }, 'resuming');
  const session: Session = {
    spec: context.spec, specFile: context.specFile, protocol: context.protocol, seed: context.seed, seedDrawn: context.seedDrawn,
    threads: context.threads, backend: context.backend ?? 'openmp', cudaMode: context.cudaMode, device: context.device, runId: context.runId, windowSteps: context.windowSteps, checkpointEverySteps: context.checkpointEverySteps, finalCheckpoint: opts.finalCheckpoint ?? true,
    totalSteps, outDir, compile: opts.compile ?? {}, onProgress: opts.onProgress, signal: opts.signal, log,
  };
  const resume: ResumeRecord = { fromStep: header.step, fromMs: header.step * dt, at: new Date().toISOString(), restoreMs: 0, replayMs: ms(replayMs) };
  resume.restoreMs = ms(performance.now() - started - replayMs); // completed once the sim holds the state
  return drive(session, { context, state, progress, checkpointRecord: record, hasher, isi, resume, compiled, garbage });
}

async function readProgressOf(outDir: string): Promise<Progress> {
  let progress: Progress | null;
  try {
    progress = await readProgress(outDir);
  } catch (e) {
    throw new ResumeError(outDir, `progress.json is unreadable (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!progress) {
    const folder = await stat(outDir).then((s) => s.isDirectory(), () => false);
    throw new ResumeError(outDir, folder ? 'no progress.json: only runs started with a checkpoint interval (--checkpoint-every) can be resumed' : 'no such folder');
  }
  return progress;
}

/** The checkpoint's run context, once it agrees with progress.json and every committed part exists. */
async function checkCommitted(outDir: string, progress: Progress, header: CheckpointHeader): Promise<RunContext> {
  const context = header.context as RunContext;
  if (context?.kind !== 'spikesweep-run' || context.version !== 1) throw new CheckpointError(join(outDir, progress.checkpoint), 'it is not a checkpoint of a spikesweep run (no run context)');
  if (header.step !== progress.step) throw new ResumeError(outDir, `progress.json says step ${progress.step} but ${progress.checkpoint} is at step ${header.step}`);
  const committed = context.parts.flatMap(partFiles);
  if (JSON.stringify(committed) !== JSON.stringify(progress.parts)) throw new ResumeError(outDir, 'progress.json and its checkpoint name different parts');
  for (const f of committed) {
    try {
      await stat(join(outDir, f));
    } catch {
      throw new ResumeError(outDir, `committed part ${f} is missing`);
    }
  }
  return context;
}

/**
 * The hash and the ISI statistics so far: Node cannot save a SHA-256 state, so the committed parts
 * are read back in order and hashed again; each part must still have the digest recorded when it
 * was committed.
 */
async function replayCommittedSpikes(outDir: string, context: RunContext): Promise<{ hasher: SpikeHasher; isi: IsiStats }> {
  const hasher = new SpikeHasher({ dt: context.spec.dt });
  const isi = new IsiStats(context.spec.dt);
  const into = (window: SpikeWindowBatch[]) => {
    hasher.update(window);
    isi.update(window);
  };
  const replayed = await replaySpikeParts(into, context.parts.map((p) => join(outDir, p.spikes.path)), context.spec.dt);
  replayed.forEach((r, k) => {
    const want = context.parts[k].spikes;
    if (r.rows !== want.rows || r.sha256 !== want.sha256) throw new ResumeError(outDir, `committed part ${want.path} has changed since it was written (${r.rows} rows, expected ${want.rows})`);
  });
  return { hasher, isi };
}
