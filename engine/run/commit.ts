// The commit of a checkpoint interval (parts layout), in this order: (1) the interval's part files
// are closed, each renamed into place; (2) a checkpoint is written whose context names those
// parts; (3) progress.json is written atomically — the commit point; (4) the checkpoint it
// replaces is deleted. A crash at any moment leaves progress.json naming a complete checkpoint and
// the parts committed with it.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSimCheckpoint } from '../checkpoint.js';
import { SpikeHasher } from '../spike-hash.js';
import { CHECKPOINTS_DIR, checkpointName, writeProgress, type Progress } from './layout.js';
import type { LiveRun } from './live-run.js';
import { phaseAt } from './phases.js';
import { partFiles, type CheckpointRecord, type PartRecord, type RunContext } from './records.js';
import { ms, sumTimings, timed } from './timings.js';

export async function commitInterval(live: LiveRun, step: number): Promise<void> {
  const { s } = live;
  live.parts.push(await timed(live.timings, 'write', () => closePart(live, step)));
  const record = await writeCheckpoint(live, step);
  await timed(live.timings, 'checkpoint', () => publishProgress(live, record));
  live.partHasher = new SpikeHasher({ dt: s.spec.dt });
  live.partStart = step;
  s.log.debug({ step, bytes: record.bytes, writeMs: record.writeMs }, 'checkpoint committed');
}

/**
 * The run's last part without a checkpoint (finalCheckpoint false): the part is renamed into
 * place, progress.json still names the previous checkpoint. A crash before the manifest is written
 * resumes from there, and the part, named by no checkpoint, is discarded and simulated again.
 */
export async function commitLastPart(live: LiveRun, step: number): Promise<void> {
  live.parts.push(await timed(live.timings, 'write', () => closePart(live, step)));
}

async function closePart(live: LiveRun, step: number): Promise<PartRecord> {
  const { files, closed } = await live.files.closePart();
  return {
    index: live.parts.length, fromStep: live.partStart, toStep: step,
    spikes: { path: files.spikes, rows: closed.spikes.rows, bytes: closed.spikes.bytes, sha256: live.partHasher.digest() },
    state: closed.state && files.state ? { path: files.state, rows: closed.state.rows, bytes: closed.state.bytes } : null,
    bold: closed.bold && files.bold ? { path: files.bold, rows: closed.bold.rows, bytes: closed.bold.bytes } : null,
  };
}

async function writeCheckpoint(live: LiveRun, step: number): Promise<CheckpointRecord> {
  const { s } = live;
  const started = performance.now();
  const path = checkpointName(step);
  const network = { structureHash: live.compiled.ir.structureHash, seed: s.seed, dt: s.spec.dt };
  // Made at the first checkpoint, not with the layout: a run that never checkpoints creates no folder for it.
  await mkdir(join(s.outDir, CHECKPOINTS_DIR), { recursive: true });
  const { bytes } = await writeSimCheckpoint(join(s.outDir, path), live.sim, network, runContext(live, step));
  const writeMs = performance.now() - started;
  live.timings.checkpoint += writeMs;
  return { step, tMs: step * s.spec.dt, path, bytes, writeMs: ms(writeMs) };
}

/** Everything a resume needs besides the sim's arrays. */
function runContext(live: LiveRun, step: number): RunContext {
  const { s } = live;
  const phase = phaseAt(live.phases, step);
  return {
    kind: 'spikesweep-run', version: 1, spec: s.spec, specFile: s.specFile, protocol: s.protocol, seed: s.seed, seedDrawn: s.seedDrawn,
    threads: s.threads, backend: s.backend, cudaMode: s.cudaMode, device: s.device, runId: s.runId, windowSteps: s.windowSteps, checkpointEverySteps: s.checkpointEverySteps!, totalSteps: s.totalSteps,
    phaseIndex: phase.index, phaseStepsDone: step - phase.startStep,
    spikeCounts: Object.fromEntries(live.plan.spikes.map((p) => [p.population, p.spikes])),
    parts: live.parts, checkpoints: live.checkpoints, resumes: live.resumes, timings: sumTimings(live.before, live.timings),
    startedAt: live.resumed?.context.startedAt ?? new Date().toISOString(),
  };
}

async function publishProgress(live: LiveRun, record: CheckpointRecord): Promise<void> {
  const { outDir, runId } = live.s;
  const progress: Progress & { latest: CheckpointRecord } = {
    format: 1, runId, step: record.step, checkpoint: record.path,
    parts: live.parts.flatMap(partFiles), updatedAt: new Date().toISOString(), latest: record,
  };
  await writeProgress(outDir, progress);
  live.checkpoints.push(record);
  if (live.lastCheckpoint && live.lastCheckpoint !== record.path) await rm(join(outDir, live.lastCheckpoint), { force: true });
  live.lastCheckpoint = record.path;
}
