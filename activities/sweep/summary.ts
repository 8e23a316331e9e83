// A run's summary.json (results/run-record.ts): written atomically (temp, fsync, rename); its
// presence means the run is committed.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunRecord } from '../../results/index.js';
import { writeManifest } from '../../engine/index.js';

export async function readRecord(path: string): Promise<RunRecord | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function writeRecord(path: string, record: RunRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeManifest(path, record);
}
