// `spikesweep server [--port 7233] [--ui-port 8233] [--db file] [--ip address]`: the local Temporal
// dev server in the foreground, with its Web UI and a persistent SQLite db (default under
// ${XDG_DATA_HOME:-~/.local/share}/spikesweep/temporal/); its output goes to a log file there.
// Ctrl-C (or SIGTERM) stops it.
import { reportError } from '../errors.js';
import type { ServerCliOptions } from '../options.js';
import { startLocalServer } from '../../sweeps/temporal/index.js';

export async function serverCommand(options: ServerCliOptions): Promise<number> {
  try {
    const port = options.port ?? 7233;
    const server = await startLocalServer({ port, uiPort: options.uiPort ?? 8233, dbFile: options.db, ip: options.ip });
    if (server.reused) {
      process.stderr.write(`spikesweep: a Temporal server is already running at ${server.address}; use it (TEMPORAL_ADDRESS=${server.address}) or choose another --port\n`);
      return 1;
    }
    process.stdout.write(
      `Temporal dev server at ${server.address} (namespace ${server.namespace})\n` +
        `Web UI: ${server.uiUrl}\n` +
        `db: ${server.dbFile}\nlog: ${server.logFile}\n` +
        'Ctrl-C stops it.\n',
    );
    const outcome = await new Promise<'signal' | 'exited'>((resolve) => {
      const onSignal = () => resolve('signal');
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      void server.exited.then(() => resolve('exited'));
    });
    if (outcome === 'exited') {
      const { code, signal } = await server.exited;
      process.stderr.write(`spikesweep: the Temporal dev server exited (${signal ?? `code ${code}`}); see ${server.logFile}\n`);
      return 1;
    }
    process.stderr.write('stopping the Temporal dev server…\n');
    await server.stop();
    return 0;
  } catch (error) {
    return reportError(error);
  }
}
