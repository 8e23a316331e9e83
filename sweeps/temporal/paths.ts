// Where spikesweep keeps its local Temporal state and finds the Temporal CLI binary.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `${XDG_DATA_HOME:-~/.local/share}/spikesweep/temporal`: the dev server's db file and logs. */
export function temporalStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.trim() !== '' ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'spikesweep', 'temporal');
}

/** The default persistent SQLite db of `spikesweep server` and of the embedded sweep default. */
export function defaultDbFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(temporalStateDir(env), 'dev-server.db');
}

/** `${SPIKESWEEP_TOOLS_DIR:-~/.cache/spikesweep/bin}`, where scripts/install-temporal.sh builds the CLI. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SPIKESWEEP_TOOLS_DIR && env.SPIKESWEEP_TOOLS_DIR.trim() !== '' ? env.SPIKESWEEP_TOOLS_DIR : join(homedir(), '.cache', 'spikesweep', 'bin');
}

export class TemporalCliMissingError extends Error {
  constructor(readonly path: string) {
    super(
      `the Temporal CLI (which runs the local dev server) is not installed at ${path}; ` +
        'run `npm install` (its setup step builds it) or `bash scripts/install-temporal.sh` (needs Go), ' +
        'or point SPIKESWEEP_TEMPORAL_BIN at a `temporal` binary',
    );
    this.name = 'TemporalCliMissingError';
  }
}

/** The `temporal` binary: $SPIKESWEEP_TEMPORAL_BIN, else `<toolsDir>/temporal`; throws TemporalCliMissingError when absent. */
export function temporalBinary(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.SPIKESWEEP_TEMPORAL_BIN && env.SPIKESWEEP_TEMPORAL_BIN.trim() !== '' ? env.SPIKESWEEP_TEMPORAL_BIN : join(toolsDir(env), 'temporal');
  if (!existsSync(path)) throw new TemporalCliMissingError(path);
  return path;
}
