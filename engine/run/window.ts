// One window of the run loop: the native run of its steps (the only time counted as `simulate`),
// then the drain of every monitor into the hashers and the open part's files, each row tagged
// with the window's phase.
import { takeBoldBatch, takeSpikeBatch, takeStateBatch } from '../monitors.js';
import type { LiveRun } from './live-run.js';
import type { PlannedPhase } from './phases.js';
import { timed } from './timings.js';

/** Runs steps [from, to); rejects with the signal's reason when aborted. */
export async function simulateWindow(live: LiveRun, from: number, to: number): Promise<void> {
  const { s, sim, windows } = live;
  const steps = to - from;
  const dt = s.spec.dt;
  const onProgress = s.onProgress;
  const result = await timed(live.timings, 'simulate', () => windows.run(sim, {
    steps,
    signal: s.signal,
    progressEvery: onProgress ? Math.max(1, Math.floor(steps / 10)) : undefined,
    onProgress: onProgress && ((n) => onProgress((from + n) * dt, s.totalSteps * dt)),
  }));
  if (result.cancelled) s.signal?.throwIfAborted();
  if (result.cancelled || result.stepsDone !== steps) throw new Error(`the simulation stopped after ${from + result.stepsDone} of ${s.totalSteps} steps`);
}

/** Moves what the monitors recorded in the window to the hashers and the files. */
export async function drainWindow(live: LiveRun, phase: PlannedPhase): Promise<void> {
  const { spikes: spikeWriter, state: stateWriter, bold: boldWriter } = await live.files.writers!.writers();
  const batches = live.plan.spikes.map((p) => ({ ...takeSpikeBatch(live.sim, p), phase: phase.name }));
  live.hasher.update(batches);
  live.isi.update(batches);
  live.partHasher.update(batches);
  for (const b of batches) if (b.neurons.length > 0) await spikeWriter.write(b);
  for (const p of live.plan.states) await stateWriter!.write({ ...takeStateBatch(live.sim, p), phase: phase.name });
  for (const p of live.plan.bolds) await boldWriter!.write({ ...takeBoldBatch(live.sim, p), phase: phase.name });
}
