// One simulation run, in-process: compile (cached) → build the sim → attach monitors → simulate in
// windows, draining monitors into the streaming Parquet writers and the spike hasher after each →
// close the files → manifest.json. No console output; progress by callback; an AbortSignal stops
// it at the next step boundary. On failure the writers are aborted (no half-written file is left)
// and the error is re-thrown.
//
// Everything runs in this process. Temporal activities will run it in a child process, because
// create() and long native runs would block heartbeats (see DESIGN.md).
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import type { Sim } from '../../native/index.js';
import { compileNetwork, createSimulation } from '../../network/compile.js';
import { SpecError } from '../../network/spec/errors.js';
import {
  SpikeHasher, describeHost, openSpikeWriter, openStateWriter, writeManifest,
  type SpikeWriter, type StateWriter, type WriteResult,
} from '../output/index.js';
import { attachMonitors, planMonitors, takeSpikeBatch, takeStateBatch, type MonitorPlan } from './monitors.js';
import type { PopulationReport, RunReport, RunSimulationOptions } from './types.js';
import { describeVersions } from './versions.js';

const DEFAULT_WINDOW_STEPS = 1000;

/** A random 32-bit seed from the OS's cryptographic generator. */
export function drawSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
const ms = (x: number) => Math.round(x * 100) / 100;

function resolveInputs(opts: RunSimulationOptions) {
  const { spec } = opts;
  const file = opts.specFile ?? '<spec>';
  const bad = (path: (string | number)[], message: string) => new SpecError(file, [{ path, message }]);
  const durationMs = opts.durationMs ?? spec.duration;
  if (durationMs === undefined) throw bad(['duration'], 'no duration: give one in the spec or as an option (--duration)');
  if (!Number.isFinite(durationMs) || durationMs <= 0) throw bad(['duration'], `duration must be a positive number of ms, got ${durationMs}`);
  const totalSteps = Math.round(durationMs / spec.dt);
  if (totalSteps < 1) throw bad(['duration'], `duration ${durationMs} ms is shorter than dt = ${spec.dt} ms`);
  const seed = opts.seed ?? spec.seed ?? drawSeed();
  if (!Number.isSafeInteger(seed) || seed < 0) throw bad(['seed'], `seed must be a non-negative integer, got ${seed}`);
  const threads = opts.threads ?? spec.config.numThreads;
  if (!Number.isSafeInteger(threads) || threads < 1) throw bad(['config', 'numThreads'], `threads must be a positive integer, got ${threads}`);
  const windowSteps = opts.windowSteps ?? DEFAULT_WINDOW_STEPS;
  if (!Number.isSafeInteger(windowSteps) || windowSteps < 1) throw new RangeError(`windowSteps must be a positive integer, got ${windowSteps}`);
  return { file, totalSteps, seed, seedDrawn: opts.seedDrawn === true || (opts.seed === undefined && spec.seed === undefined), threads, windowSteps, runId: opts.runId ?? `${spec.name}-${seed}` };
}

export async function runSimulation(opts: RunSimulationOptions): Promise<RunReport> {
  const log: Logger = opts.logger ?? pino({ level: 'silent' });
  const { spec, signal } = opts;
  const { file, totalSteps, seed, seedDrawn, threads, windowSteps, runId } = resolveInputs(opts);
  const totalMs = totalSteps * spec.dt;
  signal?.throwIfAborted();
  log.info({ runId, seed, seedDrawn, threads, steps: totalSteps, dt: spec.dt }, 'run starting');

  const compiled = await compileNetwork(spec, opts.compile ?? {});
  log.info({ library: compiled.library, cacheHit: compiled.cacheHit, ...compiled.timings }, 'kernel ready');
  signal?.throwIfAborted();

  const outDir = resolve(opts.outDir);
  const paths = { spikes: resolve(outDir, 'spikes.parquet'), state: resolve(outDir, 'state.parquet'), manifest: resolve(outDir, 'manifest.json') };
  let sim: Sim | undefined;
  let spikeWriter: SpikeWriter | undefined;
  let stateWriter: StateWriter | undefined;
  let writersTaken = false;
  let published = false;
  const timings = { codegen: compiled.timings.codegenMs, compile: compiled.timings.compileMs, build: 0, simulate: 0, write: 0 };
  // The writers start their worker threads (and DuckDB) while the sim is built on this thread;
  // "write" counts only the time spent waiting for them afterwards.
  let t = performance.now();
  await mkdir(outDir, { recursive: true });
  const wantsState = spec.monitors.some((m) => m.variables.some((v) => v !== 'spike'));
  const opening = Promise.allSettled([
    openSpikeWriter(paths.spikes, { runId, dt: spec.dt }),
    wantsState ? openStateWriter(paths.state, { runId, dt: spec.dt }) : undefined,
  ]);
  const opened = async (): Promise<[SpikeWriter | undefined, StateWriter | undefined]> => {
    const [a, b] = await opening;
    return [a.status === 'fulfilled' ? a.value : undefined, b.status === 'fulfilled' ? b.value : undefined];
  };
  timings.write += performance.now() - t;
  try {
    t = performance.now();
    sim = createSimulation(compiled, spec, { seed, threads });
    const arrays = new Map(sim.arrays().map((a) => [a.name, a.length]));
    const plan: MonitorPlan = planMonitors(spec, compiled.ir, arrays, file);
    attachMonitors(sim, plan);
    timings.build = performance.now() - t;
    log.debug({ spikeMonitors: plan.spikes.length, stateMonitors: plan.states.length }, 'sim built');

    t = performance.now();
    [spikeWriter, stateWriter] = await opened();
    writersTaken = true;
    const failed = (await opening).find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const spikes = spikeWriter!;
    const hasher = new SpikeHasher({ dt: spec.dt });
    timings.write += performance.now() - t;

    for (let done = 0; done < totalSteps; ) {
      const steps = Math.min(windowSteps, totalSteps - done);
      const windowStart = done;
      t = performance.now();
      const result = await sim.run({
        steps,
        signal,
        progressEvery: opts.onProgress ? Math.max(1, Math.floor(steps / 10)) : undefined,
        onProgress: opts.onProgress && ((n) => opts.onProgress!((windowStart + n) * spec.dt, totalMs)),
      });
      timings.simulate += performance.now() - t;
      if (result.cancelled) signal?.throwIfAborted();
      if (result.cancelled || result.stepsDone !== steps) throw new Error(`the simulation stopped after ${windowStart + result.stepsDone} of ${totalSteps} steps`);
      done += steps;

      t = performance.now();
      const batches = plan.spikes.map((s) => takeSpikeBatch(sim!, s));
      hasher.update(batches);
      for (const b of batches) if (b.neurons.length > 0) await spikes.write(b);
      for (const s of plan.states) await stateWriter!.write(takeStateBatch(sim, s));
      timings.write += performance.now() - t;
      opts.onProgress?.(done * spec.dt, totalMs);
      log.debug({ simulatedMs: done * spec.dt }, 'window done');
    }

    t = performance.now();
    const spikesSha256 = hasher.digest();
    const closing = await Promise.allSettled([spikes.close(), stateWriter?.close()]);
    spikeWriter = stateWriter = undefined; // closed (published or cleaned up): nothing left to abort
    published = true;
    const closeFailed = closing.find((r) => r.status === 'rejected');
    if (closeFailed) throw (closeFailed as PromiseRejectedResult).reason;
    const [spikeFile, stateFile] = closing.map((r) => (r as PromiseFulfilledResult<WriteResult | undefined>).value);
    const report: RunReport = {
      runId, seed, threads,
      simulatedMs: totalMs,
      structureHash: compiled.ir.structureHash,
      timings: { codegen: ms(timings.codegen), compile: ms(timings.compile), build: ms(timings.build), simulate: ms(timings.simulate), write: 0 },
      compileCacheHit: compiled.cacheHit,
      populations: populationReports(compiled.ir.populations, plan, totalSteps, spec.dt),
      outputs: { spikes: paths.spikes, ...(stateFile ? { state: paths.state } : {}), manifest: paths.manifest },
      spikesSha256,
    };
    const manifest = {
      report, specFile: opts.specFile ? resolve(opts.specFile) : null, spec,
      seedDrawn, dt: spec.dt, steps: totalSteps,
      files: { spikes: spikeFile, ...(stateFile ? { state: stateFile } : {}) },
      kernel: { library: compiled.library, cacheKey: basename(compiled.library).replace(/\.so$/, '') },
      versions: await describeVersions(),
      host: describeHost(),
      createdAt: new Date().toISOString(),
    };
    report.timings.write = ms(timings.write + performance.now() - t);
    await writeManifest(paths.manifest, manifest);
    log.info({ runId, spikesSha256, timings: report.timings }, 'run finished');
    return report;
  } catch (error) {
    // Failed before the writers were taken over: wait for them to open, then abort them.
    if (!writersTaken) [spikeWriter, stateWriter] = await opened();
    await Promise.all([spikeWriter?.abort(), stateWriter?.abort()].map((p) => p?.catch((e) => log.warn({ err: e }, 'aborting a writer failed'))));
    // A run that fails after its files were published (a close or the manifest failed) takes
    // them back: the manifest is the mark of a finished run, and no file outlives a failed one.
    if (published) await Promise.all([paths.spikes, paths.state, paths.manifest].map((p) => rm(p, { force: true })));
    throw error;
  } finally {
    sim?.destroy();
  }
}

function populationReports(populations: { name: string; size: number }[], plan: MonitorPlan, totalSteps: number, dt: number): Record<string, PopulationReport> {
  const out: Record<string, PopulationReport> = {};
  for (const p of populations) {
    const s = plan.spikes.find((x) => x.population === p.name);
    const seconds = s ? (Math.max(0, totalSteps - s.startStep) * dt) / 1000 : 0;
    out[p.name] = {
      size: p.size,
      spikes: s ? s.spikes : null,
      meanRateHz: s && seconds > 0 && s.recordedNeurons > 0 ? s.spikes / (s.recordedNeurons * seconds) : null,
    };
  }
  return out;
}
