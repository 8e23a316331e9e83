// A sweep named on the command line: a folder that exists is taken as it is, a path that does not
// is refused, anything else is a sweep id whose output folder the Temporal server knows
// (`results`, `report`).
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { SweepClient } from '../sweeps/index.js';

export class FolderNotFoundError extends Error {
  override name = 'FolderNotFoundError';
}

export async function sweepFolderOf(arg: string): Promise<string> {
  if (existsSync(arg)) return arg;
  // A sweep id (name-hash) has no path separator: a path that does not exist is a missing folder, not a question for the server.
  if (arg.includes(sep) || arg.includes('/') || arg.startsWith('.')) throw new FolderNotFoundError(`no folder ${arg} (expected a run folder, a sweep folder or a sweep id)`);
  const client = await SweepClient.connect({ startLocalServer: false });
  try {
    return await (await client.attach(arg)).output();
  } finally {
    await client.close();
  }
}
