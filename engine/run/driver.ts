// The run driver, for a fresh run and a resumed one alike: compile (cached) → open the writers
// and build the sim → run the windows (committing checkpoint intervals) → finish (files,
// report, manifest). On failure the open writers are aborted and what must not outlive a failed
// run is taken back (SessionFiles.discard); the error is re-thrown as is.
//
// Everything runs in this process: the native run would block a Temporal activity's heartbeats,
// so the sweep runs it in runner processes (activities/sweep/runner-child.ts).
import { compileNetwork } from '../../backends/index.js';
import type { Sim } from '../../native/index.js';
import { boldColumns } from '../monitors.js';
import { IsiStats } from '../isi-stats.js';
import { SpikeHasher } from '../spike-hash.js';
import { ALONE, type SessionWindows } from './batch-windows.js';
import { buildSim } from './build.js';
import { finishRun } from './finish.js';
import { SessionFiles } from './layout.js';
import type { LiveRun } from './live-run.js';
import { runWindows } from './loop.js';
import type { RunReport } from './options.js';
import { planPhases } from './phases.js';
import type { Resumed, Session } from './records.js';
import { ms, timed, zeroTimings } from './timings.js';

export async function drive(s: Session, resumed: Resumed | null, windows: SessionWindows = ALONE): Promise<RunReport> {
  const { spec, signal, log } = s;
  const dt = spec.dt;
  const layout = s.checkpointEverySteps === null ? 'single' : 'parts';
  const startStep = resumed?.state.step ?? 0;
  signal?.throwIfAborted();
  log.info({ runId: s.runId, seed: s.seed, seedDrawn: s.seedDrawn, threads: s.threads, steps: s.totalSteps, dt, layout, resumeFrom: resumed?.state.step }, 'run starting');

  const sessionStarted = performance.now();
  const compiled = resumed?.compiled ?? await compileNetwork(spec, { ...s.compile, backend: s.backend, cudaMode: s.cudaMode, file: s.specFile ?? '<spec>' });
  log.info({ library: compiled.library, cacheHit: compiled.cacheHit, ...compiled.timings }, 'kernel ready');
  signal?.throwIfAborted();

  const timings = { ...zeroTimings(), codegen: compiled.timings.codegenMs, compile: compiled.timings.compileMs };
  const parts = [...(resumed?.context.parts ?? [])];
  const contents = { state: spec.monitors.some((m) => m.variables.some((v) => v !== 'spike')), bold: spec.boldMonitors?.length ? boldColumns(spec) : null };
  const files = new SessionFiles(s.outDir, layout, contents, { runId: s.runId, dt });
  await timed(timings, 'write', async () => {
    await files.prepare(resumed?.garbage ?? []);
    // DuckDB takes each file with its first rows (a file that gets none is written without it).
    if (startStep < s.totalSteps || layout === 'single') files.open(parts.length);
  });
  let sim: Sim | undefined;
  try {
    const started = performance.now();
    const built = buildSim(s, compiled, resumed);
    sim = built.sim;
    windows.built(sim);
    const took = performance.now() - started;
    if (resumed) {
      resumed.resume.restoreMs = ms(resumed.resume.restoreMs + took);
      timings.restore += took;
    } else timings.build = took;
    log.debug({ spikeMonitors: built.plan.spikes.length, stateMonitors: built.plan.states.length }, 'sim built');

    const live: LiveRun = {
      s, resumed, compiled, ...built, windows, phases: planPhases(s.protocol, s.totalSteps, dt), files,
      hasher: resumed?.hasher ?? new SpikeHasher({ dt }), isi: resumed?.isi ?? new IsiStats(dt), partHasher: new SpikeHasher({ dt }), partStart: startStep,
      parts, checkpoints: resumed ? [...resumed.context.checkpoints, resumed.checkpointRecord] : [],
      resumes: resumed ? [...resumed.context.resumes, resumed.resume] : [],
      lastCheckpoint: resumed?.progress.checkpoint ?? null, timings, before: resumed?.context.timings ?? zeroTimings(),
    };
    const writers = files.writers;
    if (writers) await timed(timings, 'write', () => writers.writers());
    await runWindows(live, startStep);
    return await finishRun(live, sessionStarted);
  } catch (error) {
    await files.discard(log);
    throw error;
  } finally {
    sim?.destroy();
  }
}
