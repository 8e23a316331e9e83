// A sweep named on the command line: a folder that exists is taken as it is, anything else as a
// sweep id whose output folder the Temporal server knows (`results`, `report`).
import { existsSync } from 'node:fs';
import { SweepClient } from '../sweeps/index.js';

export async function sweepFolderOf(arg: string): Promise<string> {
  if (existsSync(arg)) return arg;
  const client = await SweepClient.connect({ startLocalServer: false });
  try {
    return await (await client.attach(arg)).output();
  } finally {
    await client.close();
  }
}
