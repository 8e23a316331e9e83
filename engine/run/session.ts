// A fresh run's options → its Session: every default applied and every value checked, so the
// driver never meets a bad option half-way through a run.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { backendFor, checkDevice, DEFAULT_BACKEND, loadUserConfig, type BackendName, type UserConfig } from '../../backends/index.js';
import type { Phase } from '../../network/experiment/index.js';
import { SpecError } from '../../network/spec/errors.js';
import type { NetworkSpec } from '../../network/spec/schema.js';
import type { RunNetworkOptions } from './options.js';
import { checkpointIssue, durationIssue, stepsOf } from '../../network/spec/steps.js';
import { phaseEnds, protocolSteps } from './phases.js';
import type { Session } from './records.js';

const DEFAULT_WINDOW_STEPS = 1000;

/** A random 32-bit seed from the OS's cryptographic generator. */
export function drawSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

/** The run's length in steps: the duration asked for, else the protocol's total, else the spec's. */
export function resolveTotalSteps(spec: NetworkSpec, protocol: Phase[] | null, durationMs: number | undefined, file: string): number {
  const bad = (path: (string | number)[], message: string) => new SpecError(file, [{ path, message }]);
  const full = protocol ? protocolSteps(protocol, spec.dt) : undefined;
  const wanted = durationMs ?? (protocol ? full! * spec.dt : spec.duration);
  if (wanted === undefined) throw bad(['duration'], 'no duration: give one in the spec or as an option (--duration)');
  const issue = durationIssue(wanted, spec.dt);
  if (issue) throw bad(['duration'], issue);
  const totalSteps = stepsOf(wanted, spec.dt);
  if (full !== undefined && totalSteps > full)
    throw bad(['duration'], `duration ${wanted} ms is longer than the protocol (${full * spec.dt} ms in ${protocol!.length} phases); a shorter one truncates it`);
  return totalSteps;
}

// A spec's numThreads of 1 is also what a spec that gives none holds, so there the user
// configuration's threads count, on a backend that runs more than one.
function defaultThreads(spec: NetworkSpec, backend: BackendName, user: UserConfig): number {
  if (spec.config.numThreads > 1 || backendFor(backend).maxThreads === 1) return spec.config.numThreads;
  return user.threads ?? spec.config.numThreads;
}

/** The cuda backend's GPU: the option, else the user configuration's, else 0; none on a CPU backend (which refuses one). */
function runDevice(backend: BackendName, device: number | undefined, user: UserConfig): { device?: number } {
  checkDevice(backend, device);
  return backend === 'cuda' ? { device: device ?? user.cudaDevice ?? 0 } : {};
}

export function resolveSession(opts: RunNetworkOptions): Session {
  const { spec } = opts;
  const file = opts.specFile ?? '<spec>';
  const bad = (path: (string | number)[], message: string) => new SpecError(file, [{ path, message }]);
  const protocol = opts.protocol ?? null;
  if (protocol && protocol.length === 0) throw bad(['protocol'], 'the protocol has no phases');
  if (protocol) {
    // A phase that ends on the step it starts on would never run, nor its set actions.
    const ends = phaseEnds(protocol, spec.dt);
    const empty = protocol.findIndex((_, i) => ends[i] === (i > 0 ? ends[i - 1] : 0));
    if (empty >= 0) throw bad(['protocol', empty, 'duration'], `phase '${protocol[empty].name}' lasts ${protocol[empty].durationMs} ms, under one step of dt = ${spec.dt} ms: it would never run`);
  }
  const totalSteps = resolveTotalSteps(spec, protocol, opts.durationMs, file);
  const seed = opts.seed ?? spec.seed ?? drawSeed();
  if (!Number.isSafeInteger(seed) || seed < 0) throw bad(['seed'], `seed must be a non-negative integer, got ${seed}`);
  const backend = opts.backend ?? DEFAULT_BACKEND;
  const user = loadUserConfig();
  const threads = opts.threads ?? defaultThreads(spec, backend, user);
  if (!Number.isSafeInteger(threads) || threads < 1) throw bad(['config', 'numThreads'], `threads must be a positive integer, got ${threads}`);
  const windowSteps = opts.windowSteps ?? DEFAULT_WINDOW_STEPS;
  if (!Number.isSafeInteger(windowSteps) || windowSteps < 1) throw new RangeError(`windowSteps must be a positive integer, got ${windowSteps}`);
  let checkpointEverySteps: number | null = null;
  if (opts.checkpointEveryMs !== undefined) {
    const issue = checkpointIssue(opts.checkpointEveryMs, spec.dt);
    if (issue) throw bad(['checkpointEvery'], issue);
    checkpointEverySteps = stepsOf(opts.checkpointEveryMs, spec.dt);
  }
  return {
    spec, specFile: opts.specFile ? resolve(opts.specFile) : null, protocol, seed,
    seedDrawn: opts.seedDrawn === true || (opts.seed === undefined && spec.seed === undefined),
    threads, backend, cudaMode: opts.cudaMode, ...runDevice(backend, opts.device, user), runId: opts.runId ?? `${spec.name}-${seed}`, windowSteps, checkpointEverySteps, finalCheckpoint: opts.finalCheckpoint ?? true, totalSteps,
    outDir: resolve(opts.outDir), compile: opts.compile ?? {}, onProgress: opts.onProgress, signal: opts.signal,
    log: opts.logger ?? pino({ level: 'silent' }),
  };
}
