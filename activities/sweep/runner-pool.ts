// The worker's runner processes: one per concurrent run at most, reused from run to run (a
// process start costs hundreds of milliseconds; a tiny run costs tens). A run whose process dies
// fails that attempt only; the process is replaced. Cancelling a run kills its process.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BatchJob, BatchReply, GroupEnd, GroupEvent, GroupJob, RunJob, RunnerReply } from './runner-protocol.js';

const idle: ChildProcess[] = [];

function entry(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./runner-child.js', import.meta.url));
  if (existsSync(js)) return { path: js, execArgv: [] };
  return { path: fileURLToPath(new URL('./runner-child.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}

/**
 * Runners run at a lower CPU priority than the worker: a worker whose slots keep every core busy
 * must still heartbeat in time, or the server times its activities out and their runs start over
 * (64 runners on 2 cores at equal priority: every group timed out, 7 attempts each). Idle cores
 * still go to the runs.
 */
const RUNNER_NICE = 10;

function spawnRunner(): ChildProcess {
  const { path, execArgv } = entry();
  const child = fork(path, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // No pid: the fork failed ('error' follows), and setPriority without one would renice this process.
  if (child.pid !== undefined) setPriority(child.pid, Math.max(RUNNER_NICE, getPriority()));
  return child;
}

function acquire(): ChildProcess {
  for (let child = idle.pop(); child; child = idle.pop()) if (child.connected && child.exitCode === null) return child;
  return spawnRunner();
}

function release(child: ChildProcess): void {
  child.unref();
  (child as unknown as { channel?: { unref(): void } }).channel?.unref();
  idle.push(child);
}

/**
 * Starts runner processes until `count` are idle, so that a worker's first runs do not wait for
 * them to load the engine (most of a second each): they start while the worker connects.
 */
export function warmRunners(count: number): void {
  while (idle.length < count) release(spawnRunner());
}

/** Ends the idle runner processes (a worker shutting down). */
export function closeRunners(): void {
  for (const child of idle.splice(0)) child.disconnect();
}

/** The runner process died during a job: by a signal (`signal`) or with an exit status. */
export class RunnerCrashed extends Error {
  constructor(readonly signal: NodeJS.Signals | null, code: number | null) {
    super(`the simulation process ${signal ? `was killed by ${signal}` : `exited with status ${code}`}`);
  }
}

/**
 * Runs one job (a run, a batch of runs, or a group) in a runner process; a group's events go to
 * `onEvent` as they come. Rejects with RunnerCrashed if the process dies, with the signal's reason
 * if cancelled.
 */
export function runInRunner(job: RunJob, signal: AbortSignal): Promise<RunnerReply>;
export function runInRunner(job: BatchJob, signal: AbortSignal): Promise<BatchReply>;
export function runInRunner(job: GroupJob, signal: AbortSignal, onEvent: (event: GroupEvent) => void): Promise<GroupEnd>;
export function runInRunner(job: RunJob | BatchJob | GroupJob, signal: AbortSignal, onEvent?: (event: GroupEvent) => void): Promise<RunnerReply | BatchReply | GroupEnd> {
  // Cancelled before it began (a group going on in a fresh runner after a crash): an abort listener added now would never fire.
  if (signal.aborted) return Promise.reject(signal.reason ?? new Error('cancelled'));
  const child = acquire();
  child.ref();
  (child as unknown as { channel?: { ref(): void } }).channel?.ref();
  return new Promise<RunnerReply | BatchReply | GroupEnd>((resolve, reject) => {
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      signal.removeEventListener('abort', onAbort);
    };
    const onMessage = (reply: RunnerReply | BatchReply | GroupEnd | GroupEvent) => {
      if (reply.kind === 'started' || reply.kind === 'judged') return onEvent?.(reply);
      cleanup();
      release(child);
      resolve(reply);
    };
    const onExit = (code: number | null, sig: NodeJS.Signals | null) => {
      cleanup();
      reject(new RunnerCrashed(sig, code));
    };
    const onAbort = () => {
      cleanup();
      child.kill('SIGKILL');
      reject(signal.reason ?? new Error('cancelled'));
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    signal.addEventListener('abort', onAbort, { once: true });
    child.send(job);
  });
}
