// One simulation run, in-process: compile (cached) → build the sim → attach monitors → run the
// phases in windows, draining monitors into the streaming Parquet writers and the spike hasher
// after each → close the files → manifest.json. No console output; progress by callback; an
// AbortSignal stops it at the next step boundary. On failure the writers are aborted (no
// half-written file is left) and the error is re-thrown.
//
// Checkpointed runs (checkpointEveryMs) write one part file per interval and, at each interval's
// end, a checkpoint and progress.json; resumeSimulation continues such a run from its folder and
// ends with exactly the rows, report and hash of an uninterrupted run (README.md, "Resumable runs").
//
// Everything runs in this process. Temporal activities will run it in a child process, because
// create() and long native runs would block heartbeats (see DESIGN.md).
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import type { Sim } from '../../native/index.js';
import { CODEGEN_VERSION } from '../../network/ir/ir.js';
import { compileNetwork, createSimulation, DEFAULT_BACKEND } from '../../backends/index.js';
import type { Phase } from '../../network/experiment/index.js';
import { SpecError } from '../../network/spec/errors.js';
import type { NetworkSpec } from '../../network/spec/schema.js';
import { applyState, captureState, writeCheckpoint } from '../../network/state/index.js';
import type { WriteResult } from '../parquet/parquet-sink.js';
import { SpikeHasher } from '../spike-hash.js';
import { describeHost, writeManifest } from './manifest.js';
import { attachMonitors, planMonitors, takeSpikeBatch, takeStateBatch, type MonitorPlan } from '../monitors.js';
import {
  PartWriters, checkpointName, makeLayoutDirs, readProgress, removeFiles, writeProgress,
  type Layout, type Progress,
} from './layout.js';
import { applyPhaseStart, checkProtocol, phaseAt, planPhases, protocolSteps, type PlannedPhase } from './phases.js';
import type { PopulationReport, RunReport, RunSimulationOptions } from './options.js';
import { zeroTimings, type CheckpointRecord, type PartRecord, type ResumeRecord, type Resumed, type RunContext, type Session, type StageTimings } from './records.js';
import { describeVersions } from './versions.js';

const DEFAULT_WINDOW_STEPS = 1000;

/** A resume that cannot go on: no progress.json, a part missing or changed, a bad duration… */
export class ResumeError extends Error {
  constructor(readonly outDir: string, message: string) {
    super(`cannot resume ${outDir}: ${message}`);
    this.name = 'ResumeError';
  }
}

/** A random 32-bit seed from the OS's cryptographic generator. */
export function drawSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
export const ms = (x: number) => Math.round(x * 100) / 100;

export function resolveTotalSteps(spec: NetworkSpec, protocol: Phase[] | null, durationMs: number | undefined, file: string): number {
  const bad = (path: (string | number)[], message: string) => new SpecError(file, [{ path, message }]);
  const full = protocol ? protocolSteps(protocol, spec.dt) : undefined;
  const wanted = durationMs ?? (protocol ? full! * spec.dt : spec.duration);
  if (wanted === undefined) throw bad(['duration'], 'no duration: give one in the spec or as an option (--duration)');
  if (!Number.isFinite(wanted) || wanted <= 0) throw bad(['duration'], `duration must be a positive number of ms, got ${wanted}`);
  const totalSteps = Math.round(wanted / spec.dt);
  if (totalSteps < 1) throw bad(['duration'], `duration ${wanted} ms is shorter than dt = ${spec.dt} ms`);
  if (full !== undefined && totalSteps > full)
    throw bad(['duration'], `duration ${wanted} ms is longer than the protocol (${full * spec.dt} ms in ${protocol!.length} phases); a shorter one truncates it`);
  return totalSteps;
}

function resolveInputs(opts: RunSimulationOptions): Session {
  const { spec } = opts;
  const file = opts.specFile ?? '<spec>';
  const bad = (path: (string | number)[], message: string) => new SpecError(file, [{ path, message }]);
  const protocol = opts.protocol ?? null;
  if (protocol && protocol.length === 0) throw bad(['protocol'], 'the protocol has no phases');
  const totalSteps = resolveTotalSteps(spec, protocol, opts.durationMs, file);
  const seed = opts.seed ?? spec.seed ?? drawSeed();
  if (!Number.isSafeInteger(seed) || seed < 0) throw bad(['seed'], `seed must be a non-negative integer, got ${seed}`);
  const threads = opts.threads ?? spec.config.numThreads;
  if (!Number.isSafeInteger(threads) || threads < 1) throw bad(['config', 'numThreads'], `threads must be a positive integer, got ${threads}`);
  const windowSteps = opts.windowSteps ?? DEFAULT_WINDOW_STEPS;
  if (!Number.isSafeInteger(windowSteps) || windowSteps < 1) throw new RangeError(`windowSteps must be a positive integer, got ${windowSteps}`);
  let checkpointEverySteps: number | null = null;
  if (opts.checkpointEveryMs !== undefined) {
    checkpointEverySteps = Math.round(opts.checkpointEveryMs / spec.dt);
    if (!Number.isFinite(opts.checkpointEveryMs) || checkpointEverySteps < 1) throw new RangeError(`checkpointEveryMs must be at least dt = ${spec.dt} ms, got ${opts.checkpointEveryMs}`);
  }
  return {
    spec, specFile: opts.specFile ? resolve(opts.specFile) : null, protocol, seed,
    seedDrawn: opts.seedDrawn === true || (opts.seed === undefined && spec.seed === undefined),
    threads, backend: opts.backend ?? DEFAULT_BACKEND, runId: opts.runId ?? `${spec.name}-${seed}`, windowSteps, checkpointEverySteps, totalSteps,
    outDir: resolve(opts.outDir), compile: opts.compile ?? {}, onProgress: opts.onProgress, signal: opts.signal,
    log: opts.logger ?? pino({ level: 'silent' }),
  };
}

export async function runSimulation(opts: RunSimulationOptions): Promise<RunReport> {
  const session = resolveInputs(opts);
  if (session.checkpointEverySteps !== null) {
    // A checkpointed run never writes into a folder holding another run's parts.
    if (await readProgress(session.outDir).catch(() => null))
      throw new ResumeError(session.outDir, 'it already holds a checkpointed run (progress.json); resume it or choose another output folder');
    const parts = await readdir(join(session.outDir, 'spikes')).catch(() => [] as string[]);
    if (parts.length > 0) throw new ResumeError(session.outDir, 'its spikes/ folder is not empty; choose another output folder');
  }
  return execute(session, null);
}

export async function execute(s: Session, resumed: Resumed | null): Promise<RunReport> {
  const { spec, signal, log } = s;
  const dt = spec.dt;
  const file = s.specFile ?? '<spec>';
  const totalMs = s.totalSteps * dt;
  const layout: Layout = s.checkpointEverySteps === null ? 'single' : 'parts';
  signal?.throwIfAborted();
  log.info({ runId: s.runId, seed: s.seed, seedDrawn: s.seedDrawn, threads: s.threads, steps: s.totalSteps, dt, layout, resumeFrom: resumed?.state.step }, 'run starting');

  const sessionStarted = performance.now();
  const compiled = resumed?.compiled ?? await compileNetwork(spec, { ...s.compile, backend: s.backend, file });
  log.info({ library: compiled.library, cacheHit: compiled.cacheHit, ...compiled.timings }, 'kernel ready');
  signal?.throwIfAborted();

  const outDir = s.outDir;
  const manifestPath = join(outDir, 'manifest.json');
  const wantsState = spec.monitors.some((m) => m.variables.some((v) => v !== 'spike'));
  const before = resumed?.context.timings ?? zeroTimings();
  const timings: StageTimings = { ...zeroTimings(), codegen: compiled.timings.codegenMs, compile: compiled.timings.compileMs };
  const parts: PartRecord[] = [...(resumed?.context.parts ?? [])];
  const checkpoints: CheckpointRecord[] = resumed ? [...resumed.context.checkpoints, resumed.checkpointRecord] : [];
  const resumes: ResumeRecord[] = resumed ? [...resumed.context.resumes, resumed.resume] : [];
  let startStep = resumed?.state.step ?? 0;
  let lastCheckpoint: string | null = resumed?.progress.checkpoint ?? null;

  let sim: Sim | undefined;
  let writers: PartWriters | undefined;
  let singlePublished = false;
  let manifestWritten = false;
  let t = performance.now();
  await mkdir(outDir, { recursive: true });
  if (resumed) await removeFiles(outDir, resumed.garbage);
  if (layout === 'parts') await makeLayoutDirs(outDir, wantsState);
  const writerOpts = { runId: s.runId, dt };
  // The writers start their worker threads (and DuckDB) while the sim is built on this thread.
  if (startStep < s.totalSteps || layout === 'single') writers = new PartWriters(outDir, layout, parts.length, wantsState, writerOpts);
  timings.write += performance.now() - t;
  try {
    t = performance.now();
    sim = createSimulation(compiled, spec, { seed: s.seed, threads: s.threads });
    const arrays = new Map(sim.arrays().map((a) => [a.name, a.length]));
    const plan: MonitorPlan = planMonitors(spec, compiled.ir, arrays, file);
    if (s.protocol) checkProtocol(s.protocol, spec, arrays, file);
    attachMonitors(sim, plan);
    // The state at build, for phases that reset (a resumed run rebuilds the same one from the seed).
    const initial = s.protocol?.some((p) => p.reset !== false) ? captureState(sim) : null;
    if (resumed) {
      applyState(sim, resumed.state);
      for (const p of plan.spikes) p.spikes = resumed.context.spikeCounts[p.population] ?? 0;
      resumed.resume.restoreMs = ms(resumed.resume.restoreMs + performance.now() - t);
      timings.restore += performance.now() - t;
    } else timings.build = performance.now() - t;
    log.debug({ spikeMonitors: plan.spikes.length, stateMonitors: plan.states.length }, 'sim built');

    const phases = planPhases(s.protocol, s.totalSteps, dt);
    const hasher = resumed?.hasher ?? new SpikeHasher({ dt });
    let partHasher = new SpikeHasher({ dt });
    let partStart = startStep;
    if (writers) {
      t = performance.now();
      await writers.writers();
      timings.write += performance.now() - t;
    }

    const commit = async (step: number) => {
      // 1. the interval's part files, each renamed into place by its writer
      t = performance.now();
      const closed = await writers!.close();
      const files = writers!.files;
      writers = undefined;
      parts.push({
        index: parts.length, fromStep: partStart, toStep: step,
        spikes: { path: files.spikes, rows: closed.spikes.rows, bytes: closed.spikes.bytes, sha256: partHasher.digest() },
        state: closed.state && files.state ? { path: files.state, rows: closed.state.rows, bytes: closed.state.bytes } : null,
      });
      timings.write += performance.now() - t;
      // 2. the checkpoint (its context names those parts)
      t = performance.now();
      const phase = phaseAt(phases, step);
      const context: RunContext = {
        kind: 'spikesweep-run', version: 1, spec, specFile: s.specFile, protocol: s.protocol, seed: s.seed, seedDrawn: s.seedDrawn,
        threads: s.threads, backend: s.backend, runId: s.runId, windowSteps: s.windowSteps, checkpointEverySteps: s.checkpointEverySteps!, totalSteps: s.totalSteps,
        phaseIndex: phase.index, phaseStepsDone: step - phase.startStep,
        spikeCounts: Object.fromEntries(plan.spikes.map((p) => [p.population, p.spikes])),
        parts, checkpoints, resumes, timings: sumTimings(before, timings), startedAt: resumed?.context.startedAt ?? new Date().toISOString(),
      };
      const path = checkpointName(step);
      const { bytes } = await writeCheckpoint(join(outDir, path), captureState(sim!), { codegenVersion: CODEGEN_VERSION, structureHash: compiled.ir.structureHash, seed: s.seed, dt, context });
      const writeMs = performance.now() - t;
      timings.checkpoint += writeMs;
      const record: CheckpointRecord = { step, tMs: step * dt, path, bytes, writeMs: ms(writeMs) };
      // 3. progress.json: the commit point. Then the checkpoint it replaces goes.
      t = performance.now();
      const progress: Progress & { latest: CheckpointRecord } = {
        format: 1, runId: s.runId, step, checkpoint: path,
        parts: parts.flatMap((p) => [p.spikes.path, ...(p.state ? [p.state.path] : [])]), updatedAt: new Date().toISOString(), latest: record,
      };
      await writeProgress(outDir, progress);
      checkpoints.push(record);
      if (lastCheckpoint && lastCheckpoint !== path) await rm(join(outDir, lastCheckpoint), { force: true });
      lastCheckpoint = path;
      partHasher = new SpikeHasher({ dt });
      partStart = step;
      timings.checkpoint += performance.now() - t;
      log.debug({ step, bytes, writeMs: record.writeMs }, 'checkpoint committed');
    };

    for (let done = startStep; done < s.totalSteps; ) {
      const phase = phaseAt(phases, done);
      if (done === phase.startStep) applyPhaseStart(sim, phase, { spec, seed: s.seed, initial });
      for (const m of [...plan.spikes, ...plan.states]) sim.setMonitorActive(m.monitorId, phase.record);
      const every = s.checkpointEverySteps;
      const nextCheckpoint = every === null ? Infinity : (Math.floor(done / every) + 1) * every;
      const end = Math.min(done + s.windowSteps, phase.endStep, nextCheckpoint, s.totalSteps);
      const steps = end - done;
      const windowStart = done;
      // A new part's writers open (worker thread, DuckDB) while this window simulates.
      writers ??= new PartWriters(outDir, layout, parts.length, wantsState, writerOpts);
      t = performance.now();
      const result = await sim.run({
        steps,
        signal,
        progressEvery: s.onProgress ? Math.max(1, Math.floor(steps / 10)) : undefined,
        onProgress: s.onProgress && ((n) => s.onProgress!((windowStart + n) * dt, totalMs)),
      });
      timings.simulate += performance.now() - t;
      if (result.cancelled) signal?.throwIfAborted();
      if (result.cancelled || result.stepsDone !== steps) throw new Error(`the simulation stopped after ${windowStart + result.stepsDone} of ${s.totalSteps} steps`);
      done = end;

      t = performance.now();
      const { spikes: spikeWriter, state: stateWriter } = await writers.writers();
      const batches = plan.spikes.map((p) => ({ ...takeSpikeBatch(sim!, p), phase: phase.name }));
      hasher.update(batches);
      partHasher.update(batches);
      for (const b of batches) if (b.neurons.length > 0) await spikeWriter.write(b);
      for (const p of plan.states) await stateWriter!.write({ ...takeStateBatch(sim, p), phase: phase.name });
      timings.write += performance.now() - t;
      if (every !== null && (done % every === 0 || done === s.totalSteps)) await commit(done);
      s.onProgress?.(done * dt, totalMs);
      log.debug({ simulatedMs: done * dt }, 'window done');
    }

    // The single layout's files (the parts layout committed its last part above).
    t = performance.now();
    const spikesSha256 = hasher.digest();
    let singleFiles: { spikes: WriteResult; state: WriteResult | null } | null = null;
    if (layout === 'single') {
      const w = writers!;
      writers = undefined;
      singlePublished = true; // close() publishes or cleans up; either way nothing is left to abort
      singleFiles = await w.close();
    }
    const total = sumTimings(before, timings);
    const hasState = layout === 'single' ? singleFiles!.state !== null : parts.some((p) => p.state);
    const report: RunReport = {
      runId: s.runId, seed: s.seed, threads: s.threads, backend: compiled.backend,
      simulatedMs: totalMs,
      structureHash: compiled.ir.structureHash,
      timings: { codegen: ms(total.codegen), compile: ms(total.compile), build: ms(total.build), simulate: ms(total.simulate), write: 0 },
      compileCacheHit: compiled.cacheHit,
      populations: populationReports(compiled.ir.populations, plan, phases, dt),
      outputs: layout === 'single'
        ? { spikes: join(outDir, 'spikes.parquet'), ...(hasState ? { state: join(outDir, 'state.parquet') } : {}), manifest: manifestPath }
        : { spikes: join(outDir, 'spikes'), ...(hasState ? { state: join(outDir, 'state') } : {}), manifest: manifestPath },
      spikesSha256,
    };
    const filesInfo = layout === 'single'
      ? { spikes: singleFiles!.spikes, ...(singleFiles!.state ? { state: singleFiles!.state } : {}) }
      : {
          spikes: { rows: sum(parts.map((p) => p.spikes.rows)), bytes: sum(parts.map((p) => p.spikes.bytes)), parts: parts.map((p) => ({ path: p.spikes.path, fromMs: p.fromStep * dt, toMs: p.toStep * dt, rows: p.spikes.rows, bytes: p.spikes.bytes, sha256: p.spikes.sha256 })) },
          ...(hasState ? { state: { rows: sum(parts.map((p) => p.state?.rows ?? 0)), bytes: sum(parts.map((p) => p.state?.bytes ?? 0)), parts: parts.filter((p) => p.state).map((p) => ({ path: p.state!.path, fromMs: p.fromStep * dt, toMs: p.toStep * dt, rows: p.state!.rows, bytes: p.state!.bytes })) } } : {}),
        };
    total.write += performance.now() - t;
    report.timings.write = ms(total.write);
    const versions = await describeVersions(compiled.toolchain.compilerVersion);
    const manifest = {
      report,
      specFile: s.specFile, spec, protocol: s.protocol,
      seeds: { seed: s.seed, seedDrawn: s.seedDrawn, connectivity: s.seed, proportionSelection: s.protocol?.some((p) => p.set.some((a) => 'proportion' in a && a.proportion !== undefined)) ? `seedrandom("${s.seed}:<phase>:<population>")` : null },
      seedDrawn: s.seedDrawn, dt, steps: s.totalSteps, threads: s.threads,
      phases: phases.map((p) => ({ name: p.name, startMs: p.startStep * dt, endMs: p.endStep * dt, record: p.record })),
      layout,
      files: filesInfo,
      kernel: {
        library: compiled.library, cacheKey: compiled.key,
        backend: compiled.backend, compiler: { command: compiled.toolchain.compiler, version: compiled.toolchain.compilerVersion, flags: compiled.toolchain.flags, alwaysAdded: compiled.toolchain.requiredFlags },
      },
      versions,
      host: describeHost(),
      timings: {
        total: roundTimings(total),
        thisSession: roundTimings({ ...timings, write: timings.write + performance.now() - t }),
        sessionWallMs: ms(performance.now() - sessionStarted),
      },
      checkpointEveryMs: s.checkpointEverySteps === null ? null : s.checkpointEverySteps * dt,
      checkpoints,
      resumes,
      startedAt: resumed?.context.startedAt ?? null,
      createdAt: new Date().toISOString(),
    };
    await writeManifest(manifestPath, manifest);
    manifestWritten = true;
    log.info({ runId: s.runId, spikesSha256, timings: report.timings }, 'run finished');
    return report;
  } catch (error) {
    await writers?.abort().catch((e) => log.warn({ err: e }, 'aborting a writer failed'));
    // Single layout: a run that fails after its files were published takes them back (the
    // manifest marks a finished run; no file outlives a failed one). Parts layout: committed parts
    // and the checkpoint stay — they are what a resume continues from.
    if (layout === 'single' && singlePublished) await Promise.all(['spikes.parquet', 'state.parquet', 'manifest.json'].map((p) => rm(join(outDir, p), { force: true })));
    else if (manifestWritten) await rm(manifestPath, { force: true });
    throw error;
  } finally {
    sim?.destroy();
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
function sumTimings(a: StageTimings, b: StageTimings): StageTimings {
  const out = zeroTimings();
  for (const k of Object.keys(out) as (keyof StageTimings)[]) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return out;
}
function roundTimings(x: StageTimings): StageTimings {
  const out = zeroTimings();
  for (const k of Object.keys(out) as (keyof StageTimings)[]) out[k] = ms(x[k]);
  return out;
}

/** Rates over the recorded time: the phases that record, from the monitor's start. */
function populationReports(populations: { name: string; size: number }[], plan: MonitorPlan, phases: PlannedPhase[], dt: number): Record<string, PopulationReport> {
  const out: Record<string, PopulationReport> = {};
  for (const p of populations) {
    const s = plan.spikes.find((x) => x.population === p.name);
    const steps = s ? sum(phases.filter((ph) => ph.record).map((ph) => Math.max(0, ph.endStep - Math.max(ph.startStep, s.startStep)))) : 0;
    const seconds = (steps * dt) / 1000;
    out[p.name] = {
      size: p.size,
      spikes: s ? s.spikes : null,
      meanRateHz: s && seconds > 0 && s.recordedNeurons > 0 ? s.spikes / (s.recordedNeurons * seconds) : null,
    };
  }
  return out;
}
