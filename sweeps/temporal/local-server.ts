// The local Temporal dev server (`temporal server start-dev`): SQLite persistence, the Web UI, the
// contract's search attributes. One server per port: a server already answering on the port is
// reused (two CLI invocations share one), and its `stop()` then leaves it running.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { defaultDbFile, temporalBinary, temporalStateDir } from './paths.js';
import { ensureSearchAttributes, searchAttributeFlags } from './search-attributes.js';

export interface LocalServerOptions {
  /** SQLite db file (created if missing); default `<state dir>/dev-server.db`. */
  dbFile?: string;
  /** Frontend gRPC port (default 7233). */
  port?: number;
  /** Web UI port (default 8233); null runs the server headless. */
  uiPort?: number | null;
  /** Namespace the caller will use; registered on start (the dev server always has "default"). */
  namespace?: string;
  /** Interface to bind (default 127.0.0.1). */
  ip?: string;
  /** Server output goes here (appended); default `<state dir>/server-<port>.log`. */
  logFile?: string;
  /** The `temporal` binary (default: temporalBinary()). */
  binary?: string;
  /** How long to wait for the frontend to answer (default 60 s). */
  readyTimeoutMs?: number;
  /** Leave the server running when this process exits (default false: it is stopped with us). */
  detached?: boolean;
  /** Extra `--dynamic-config-value KEY=JSON` settings (over SINGLE_NODE_CONFIG). */
  dynamicConfig?: Record<string, unknown>;
}

/**
 * One partition per task queue. Matching splits a task queue into 4 partitions by default
 * (Temporal's docs/architecture/matching-service.md) to spread load over matching hosts, which a
 * one-process dev server does not have; a task written while no worker polled waits in its
 * partition until a poller reaches it. Measured with the embedded default's worker, which starts
 * polling after its sweep is submitted (on a 2-core Zen 4 EPYC VM): the first workflow task went
 * out 2.0 s after the sweep started in 7 of 18 runs (0.5 s in the others), in none of 12 with one
 * partition.
 */
const SINGLE_NODE_CONFIG: Record<string, unknown> = { 'matching.numTaskqueueReadPartitions': 1, 'matching.numTaskqueueWritePartitions': 1 };

export interface LocalServer {
  /** host:port of the frontend. */
  address: string;
  /** The Web UI, or null when headless. */
  uiUrl: string | null;
  namespace: string;
  dbFile: string;
  logFile: string;
  /** True when a server was already listening and this handle only points at it. */
  reused: boolean;
  /** Pid of the server this handle started, null when reused. */
  pid: number | null;
  /** Resolves when the started server exits (with its exit code or signal); never for a reused one. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops a server this handle started (SIGTERM, then SIGKILL after `timeoutMs`, default 15 s); no-op when reused. */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<void>;
}

export class LocalServerError extends Error {
  constructor(message: string, readonly logFile?: string) {
    super(message);
    this.name = 'LocalServerError';
  }
}

/** Is something accepting TCP connections on host:port? */
export function isPortOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = netConnect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** One attempt: does a Temporal frontend at `address` know `namespace`? */
export async function probeTemporal(address: string, namespace: string, timeoutMs = 2000): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.withDeadline(Date.now() + timeoutMs, () => connection!.workflowService.describeNamespace({ namespace }));
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Waits until the frontend at `address` describes `namespace`, or throws after `timeoutMs`. */
export async function waitForTemporal(address: string, namespace: string, timeoutMs: number, abort?: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = abort?.();
    if (reason) throw new LocalServerError(reason);
    if (await probeTemporal(address, namespace, Math.max(500, Math.min(2000, deadline - Date.now())))) return;
    if (Date.now() >= deadline) throw new LocalServerError(`the Temporal server at ${address} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(200);
  }
}

function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts `temporal server start-dev` (or reuses the server already on the port) and waits until it answers. */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const uiPort = options.uiPort === undefined ? 8233 : options.uiPort;
  const namespace = options.namespace ?? 'default';
  const dbFile = resolve(options.dbFile ?? defaultDbFile());
  const logFile = resolve(options.logFile ?? join(temporalStateDir(), `server-${port}.log`));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const host = ip === '0.0.0.0' ? '127.0.0.1' : ip;
  const address = `${host}:${port}`;
  const uiUrl = uiPort === null ? null : `http://${host}:${uiPort}`;

  const reuse = async (): Promise<LocalServer> => {
    await registerNamespaceAttributes(address, namespace);
    return { address, uiUrl, namespace, dbFile, logFile, reused: true, pid: null, exited: new Promise(() => undefined), stop: async () => undefined };
  };

  if (await isPortOpen(host, port)) {
    if (await probeTemporal(address, namespace)) return reuse();
    if (await probeTemporal(address, 'default')) {
      throw new LocalServerError(`the Temporal server at ${address} has no namespace '${namespace}'; create it with \`temporal operator namespace create --address ${address} ${namespace}\``);
    }
    throw new LocalServerError(`port ${port} on ${host} is in use by something that is not a Temporal server; choose another port`);
  }

  const binary = options.binary ?? temporalBinary();
  mkdirSync(dirname(dbFile), { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });
  // Write-ahead logging: in SQLite's default mode every transaction creates and deletes a journal
  // file (tens a second during a sweep of short runs), and on ext4 without a journal each deleted
  // inode slows every file creation that follows, the runs' included. A WAL survives the server
  // being killed as the journal did; only the last transactions before a power loss can be lost.
  const args = ['server', 'start-dev', '--db-filename', dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal', '--ip', ip, '--port', String(port), '--namespace', namespace, ...searchAttributeFlags()];
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  for (const [key, value] of Object.entries({ ...SINGLE_NODE_CONFIG, ...options.dynamicConfig })) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);

  // The CLI picks its HTTP API and metrics ports itself (free when picked, bound a moment later), so
  // another process can take one in between; a start that fails that way is simply tried again.
  for (let attempt = 1; ; attempt++) {
    const logStart = fileSize(logFile);
    const launched = launch(binary, args, logFile, options.detached ?? false);
    try {
      await waitForTemporal(address, namespace, readyTimeoutMs, launched.failure);
    } catch (error) {
      await launched.stop({ timeoutMs: 2000 });
      // Lost a race with another invocation that started a server on the same port: share it.
      if (launched.hasExited() && (await probeTemporal(address, namespace))) return reuse();
      if (launched.hasExited() && attempt < 3 && lostPortRace(logFile, logStart, [port, uiPort])) continue;
      throw error instanceof LocalServerError ? new LocalServerError(error.message, logFile) : error;
    }
    // A db created before an attribute was added to the contract lacks it.
    await registerNamespaceAttributes(address, namespace);
    return { address, uiUrl, namespace, dbFile, logFile, reused: false, pid: launched.pid, exited: launched.exited, stop: launched.stop };
  }
}

interface LaunchedServer {
  pid: number | null;
  exited: LocalServer['exited'];
  stop: LocalServer['stop'];
  hasExited(): boolean;
  /** Why the server can no longer answer (spawn error or early exit), or null while it may. */
  failure(): string | null;
}

function launch(binary: string, args: string[], logFile: string, detached: boolean): LaunchedServer {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { stdio: ['ignore', fd, fd], detached });
  } finally {
    closeSync(fd);
  }
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolveExit(exitInfo);
    });
    child.once('error', (error) => {
      spawnError = error;
      exitInfo = { code: null, signal: null };
      resolveExit(exitInfo);
    });
  });
  const killWithUs = () => {
    if (exitInfo === null) child.kill('SIGTERM');
  };
  if (detached) child.unref();
  else process.once('exit', killWithUs);

  const stop = async ({ signal = 'SIGTERM', timeoutMs = 15_000 }: { signal?: NodeJS.Signals; timeoutMs?: number } = {}): Promise<void> => {
    process.off('exit', killWithUs);
    if (exitInfo !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  };
  const failure = (): string | null => {
    if (spawnError) return `could not start ${binary}: ${(spawnError as Error).message}`;
    if (exitInfo) return `the Temporal dev server exited (${exitInfo.signal ?? `code ${exitInfo.code}`}) before answering; its log (${logFile}) ends with:\n${logTail(logFile)}`;
    return null;
  };
  return { pid: child.pid ?? null, exited, stop, hasExited: () => exitInfo !== null, failure };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Did the server that wrote the log after `from` fail to bind a port the CLI chose (not one we asked for)? */
function lostPortRace(logFile: string, from: number, ours: Array<number | null>): boolean {
  let text: string;
  try {
    text = readFileSync(logFile).subarray(from).toString('utf8');
  } catch {
    return false;
  }
  const taken = [...text.matchAll(/listen tcp [^\s]*:(\d+): bind: address already in use/g)].map((match) => Number(match[1]));
  return taken.length > 0 && taken.every((port) => !ours.includes(port));
}

async function registerNamespaceAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}
