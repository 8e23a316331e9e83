// A real Temporal dev server for tests: the cached Temporal CLI binary (scripts/install-temporal.sh)
// on free ports with a temporary SQLite db, the contract's search attributes registered.
// `restart()` kills it and starts it again on the same db and ports (a server restart mid-sweep).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startLocalServer, type LocalServer } from '../../sweeps/temporal/local-server.js';
import { temporalBinary, TemporalCliMissingError } from '../../sweeps/temporal/paths.js';

export interface TestTemporal {
  /** host:port of the frontend (unchanged by restart). */
  readonly address: string;
  readonly namespace: string;
  readonly uiUrl: string | null;
  readonly dbFile: string;
  readonly logFile: string;
  /** Temporary folder holding the db and the log (removed by stop()). */
  readonly dir: string;
  readonly port: number;
  /** Pid of the current server process. */
  readonly pid: number | null;
  /** Stops the server (SIGKILL by default, like a crash; SIGTERM for a clean stop) and starts it again on the same db. */
  restart(options?: { signal?: NodeJS.Signals }): Promise<void>;
  /** A client connection (close it, or let stop() close the ones it handed out). */
  client(): Promise<{ connection: Connection; client: Client }>;
  /** Stops the server, closes the clients, removes the folder (kept when SPIKESWEEP_KEEP_TEST_TEMPORAL=1). */
  stop(): Promise<void>;
}

export interface TestTemporalOptions {
  namespace?: string;
  /** Start the Web UI too (default false: headless). */
  ui?: boolean;
  /** Server dynamic config (`--dynamic-config-value`), e.g. a low continue-as-new suggestion. */
  dynamicConfig?: Record<string, unknown>;
}

/** The Temporal CLI binary, or an error that says how to install it. */
export function requireTemporalBinary(): string {
  try {
    return temporalBinary();
  } catch (error) {
    if (error instanceof TemporalCliMissingError) {
      throw new Error(`tests need a real Temporal dev server, and ${error.message}`);
    }
    throw error;
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startTestTemporal(options: TestTemporalOptions = {}): Promise<TestTemporal> {
  const binary = requireTemporalBinary();
  const namespace = options.namespace ?? 'default';
  const dir = await mkdtemp(join(tmpdir(), 'spikesweep-temporal-'));
  const dbFile = join(dir, 'temporal.db');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const uiPort = options.ui ? await freePort() : null;
  const start = async (): Promise<LocalServer> => {
    const server = await startLocalServer({ binary, dbFile, logFile, port, uiPort, namespace, readyTimeoutMs: 90_000, dynamicConfig: options.dynamicConfig });
    if (server.reused) throw new Error(`port ${port} was taken by another Temporal server before the test server started`);
    return server;
  };
  let server = await start();
  const connections: Connection[] = [];
  return {
    address: server.address,
    namespace,
    get uiUrl() {
      return server.uiUrl;
    },
    dbFile,
    logFile,
    dir,
    port,
    get pid() {
      return server.pid;
    },
    async restart({ signal = 'SIGKILL' } = {}) {
      await server.stop({ signal });
      server = await start();
    },
    async client() {
      const connection = await Connection.connect({ address: server.address });
      connections.push(connection);
      return { connection, client: new Client({ connection, namespace }) };
    },
    async stop() {
      await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
      await server.stop();
      if (process.env.SPIKESWEEP_KEEP_TEST_TEMPORAL !== '1' && existsSync(dir)) await rm(dir, { recursive: true, force: true });
    },
  };
}
