// A fresh run: its options resolved into a Session, then the driver. A checkpointed run never
// writes into a folder that holds another run's parts.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { drive } from './driver.js';
import { ResumeError } from './errors.js';
import { readProgress } from './layout.js';
import type { RunNetworkOptions, RunReport } from './options.js';
import type { Session } from './records.js';
import { resolveSession } from './session.js';

export async function runNetwork(opts: RunNetworkOptions): Promise<RunReport> {
  const session = resolveSession(opts);
  await checkFreshFolder(session);
  return drive(session, null);
}

/** Refuses to start a checkpointed run in a folder that holds another run's parts. */
export async function checkFreshFolder(session: Session): Promise<void> {
  if (session.checkpointEverySteps !== null) {
    if (await readProgress(session.outDir).catch(() => null))
      throw new ResumeError(session.outDir, 'it already holds a checkpointed run (progress.json); resume it or choose another output folder');
    const parts = await readdir(join(session.outDir, 'spikes')).catch(() => [] as string[]);
    if (parts.length > 0) throw new ResumeError(session.outDir, 'its spikes/ folder is not empty; choose another output folder');
  }
}
