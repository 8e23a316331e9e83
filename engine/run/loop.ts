// The run loop: windows of at most windowSteps, cut at phase and checkpoint boundaries. A phase's
// start actions apply when the loop stands at its first step, so a run resumed from a checkpoint
// at a phase boundary applies them just as the uninterrupted run did.
import { commitInterval, commitLastPart } from './commit.js';
import type { LiveRun } from './live-run.js';
import { applyPhaseStart, phaseAt, type PlannedPhase } from './phases.js';
import type { Session } from './records.js';
import { timed } from './timings.js';
import { drainWindow, simulateWindow } from './window.js';

/** Where the window starting at `done` ends: window size, phase end, checkpoint boundary or run end. */
function windowEnd(s: Session, phase: PlannedPhase, done: number): number {
  const every = s.checkpointEverySteps;
  const nextCheckpoint = every === null ? Infinity : (Math.floor(done / every) + 1) * every;
  return Math.min(done + s.windowSteps, phase.endStep, nextCheckpoint, s.totalSteps);
}

/** Runs the session from step `from` to the run's end. */
export async function runWindows(live: LiveRun, from: number): Promise<void> {
  const { s, sim } = live;
  const dt = s.spec.dt;
  const every = s.checkpointEverySteps;
  for (let done = from; done < s.totalSteps; ) {
    const phase = phaseAt(live.phases, done);
    if (done === phase.startStep) applyPhaseStart(sim, phase, { spec: s.spec, seed: s.seed, initial: live.initial });
    for (const m of [...live.plan.spikes, ...live.plan.states]) sim.setMonitorActive(m.monitorId, phase.record);
    const end = windowEnd(s, phase, done);
    // A new part's writers open (DuckDB takes each file with its first rows).
    live.files.open(live.parts.length);
    await simulateWindow(live, done, end);
    done = end;
    await timed(live.timings, 'write', () => drainWindow(live, phase));
    if (every !== null && done === s.totalSteps && !s.finalCheckpoint) await commitLastPart(live, done);
    else if (every !== null && (done % every === 0 || done === s.totalSteps)) await commitInterval(live, done);
    s.onProgress?.(done * dt, s.totalSteps * dt);
    s.log.debug({ simulatedMs: done * dt }, 'window done');
  }
}
