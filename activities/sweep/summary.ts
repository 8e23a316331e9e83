// A run's summary.json: what runs.parquet is built from. Written atomically (temp, fsync, rename);
// its presence means the run is committed.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeManifest } from '../../engine/index.js';
import type { RunSummary } from '../../workflows/contract.js';

export interface RunRecord extends RunSummary {
  /** Axis/parameter name → value (runs.parquet columns). */
  values: Record<string, number>;
  seed: number | null;
  /** The `spikesweep run --json` report of the attempt that finished (null for failed runs). */
  report: {
    timings: Record<string, number>;
    populations: Record<string, { size: number; spikes: number | null; meanRateHz: number | null }>;
    simulatedMs: number;
  } | null;
  /** Wall time of the attempt that committed the run (child start-up, run, commit), ms. */
  attemptMs?: number;
}

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
