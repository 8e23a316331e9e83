// Runs the spikesweep command (bin/spikesweep.js) as a user would, in a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'spikesweep.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The last stdout line as JSON (or null). */
  json: Record<string, unknown> | null;
  wallMs: number;
}

export interface CliProcess {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Spawns `spikesweep <args>` (as another user with `as`: uid and gid); `done` resolves when it exits. */
export function spikesweep(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000, as: { uid: number; gid: number } | null = null): CliProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], ...as });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-20_000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => {
    clearTimeout(timer);
    const last = stdout.trim().split('\n').pop() ?? '';
    let json: Record<string, unknown> | null = null;
    try { json = JSON.parse(last); } catch { /* not JSON */ }
    resolve({ code, signal, stdout, stderr, json, wallMs: Date.now() - started });
  }));
  return { child, done };
}

/** Runs `spikesweep <args>` to its end with the test's environment plus `env`, logs at warn. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const full: NodeJS.ProcessEnv = { ...process.env, SPIKESWEEP_LOG_LEVEL: 'warn', ...env };
  // node:test sets NODE_TEST_CONTEXT in test processes; a child node must not think it is one.
  delete full.NODE_TEST_CONTEXT;
  return spikesweep(args, full).done;
}
