// A link to Temporal for the sweep API and the CLI: the configured server (Temporal's environment
// configuration), or — when none is configured — the local dev server, started on demand and left
// running so its Web UI and SQLite state outlive the process.
import { Client, Connection } from '@temporalio/client';
import { TemporalServerError } from './server-errors.js';
import { probeTemporal, resolveConnection, startLocalServer, webUiRoot, type ResolveConnectionOptions } from './temporal/index.js';

export interface TemporalSession {
  client: Client;
  connection: Connection;
  namespace: string;
  address: string;
  /** Web UI root, when known: $SPIKESWEEP_UI_URL, the profile's `ui_url`, Temporal Cloud's, the local dev server's (temporal/web-ui.ts). */
  uiBase: string | null;
  /** True when no server was configured and the local dev server is used. */
  local: boolean;
  close(): Promise<void>;
}

export interface SessionOptions extends ResolveConnectionOptions {
  /** With no server configured: start the local dev server (true), or only use one already running (false). */
  startLocal: boolean;
}

const LOCAL_ADDRESS = '127.0.0.1:7233';
const LOCAL_UI = 'http://127.0.0.1:8233';

export async function openSession(opts: SessionOptions): Promise<TemporalSession> {
  const resolved = resolveConnection(opts);
  let address: string;
  let localUiUrl: string | null = null;
  if (resolved.configured) {
    address = resolved.connectionOptions.address!;
  } else if (opts.startLocal) {
    const server = await startLocalServer({ namespace: resolved.namespace, detached: true });
    address = server.address;
    localUiUrl = server.uiUrl;
  } else {
    if (!(await probeTemporal(LOCAL_ADDRESS, resolved.namespace))) {
      throw new Error(`no Temporal server: set TEMPORAL_ADDRESS (or a temporal.toml profile), or start the local one with \`spikesweep server\``);
    }
    address = LOCAL_ADDRESS;
    localUiUrl = LOCAL_UI;
  }
  const uiBase = webUiRoot({ env: opts.env ?? process.env, profileUiUrl: resolved.profileUiUrl, configuredAddress: resolved.configured ? address : null, localUiUrl });
  const connection = await Connection.connect({ ...resolved.connectionOptions, address } as Parameters<typeof Connection.connect>[0]).catch((error: unknown) => {
    throw new TemporalServerError(`cannot reach the Temporal server at ${address} (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  });
  const client = new Client({ connection, namespace: resolved.namespace });
  return { client, connection, namespace: resolved.namespace, address, uiBase, local: !resolved.configured, close: () => connection.close() };
}

export function workflowUiUrl(session: TemporalSession, workflowId: string): string | null {
  return session.uiBase ? `${session.uiBase}/namespaces/${encodeURIComponent(session.namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
}
