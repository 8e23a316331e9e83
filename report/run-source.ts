// Where a run's files are, whichever way it was made: `spikesweep run` writes manifest.json with
// spikes.parquet (or spikes/part-*.parquet when checkpointed) in one folder; a sweep's run i has
// runs/run=<i>/manifest.json and its rows in the sweep's spikes/run=<i>/ and state/run=<i>/.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { RunRecord } from '../results/run-record.js';
import { sqlString } from '../results/sql.js';
import { ReportInputError } from './errors.js';

const finite = z.number().finite();

/** The part of a run manifest (engine/run/manifest.ts) a report shows. */
const RunManifestSchema = z.object({
  layout: z.enum(['single', 'parts']).optional(),
  files: z.record(z.string(), z.unknown()).optional(),
  report: z.object({
    runId: z.string(),
    seed: finite,
    threads: finite,
    backend: z.string(),
    simulatedMs: finite,
    timings: z.record(z.string(), finite),
    compileCacheHit: z.boolean().optional(),
    populations: z.record(z.string(), z.object({
      size: finite, spikes: finite.nullable(), meanRateHz: finite.nullable(), recordedNeurons: finite.nullable().optional(), recordedMs: finite.nullable().optional(),
    })),
  }),
  spec: z.object({
    name: z.string().optional(),
    monitors: z.array(z.object({ target: z.string(), variables: z.array(z.string()), indices: z.array(z.number()).optional() })).default([]),
  }),
  dt: finite,
  phases: z.array(z.object({ name: z.string(), startMs: finite, endMs: finite, record: z.boolean() })),
  host: z.object({ cpuModel: z.string(), cpus: finite }).optional(),
  timings: z.object({ sessionWallMs: finite.optional() }).passthrough().optional(),
  createdAt: z.string().optional(),
});

export type RunManifest = z.infer<typeof RunManifestSchema>;

export interface RunSource {
  /** How the page names the run. */
  label: string;
  manifest: RunManifest;
  /** Varied parameters of a sweep's run (empty for a single run). */
  values: Record<string, number>;
  /** DuckDB table expressions of its spike rows and state rows (null without state). */
  spikes: string;
  state: string | null;
}

/** Whether `dir` holds a single run or is a sweep's runs/run=<i> folder. */
export const isRunDir = (dir: string) => existsSync(join(dir, 'manifest.json')) && (existsSync(join(dir, 'spikes.parquet')) || existsSync(join(dir, 'spikes')) || sweepRunOf(dir) !== null);

/** The sweep folder and index of a sweep's runs/run=<i> folder, else null. */
function sweepRunOf(dir: string): { sweepDir: string; index: number } | null {
  const match = /^run=(\d+)$/.exec(basename(dir));
  const runs = dirname(dir);
  if (!match || basename(runs) !== 'runs') return null;
  return { sweepDir: dirname(runs), index: Number(match[1]) };
}

function readManifest(path: string): RunManifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ReportInputError(`${path}: not a readable run manifest (${(e as Error).message})`);
  }
  const parsed = RunManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReportInputError(`${path}: not a spikesweep run manifest: field '${issue.path.join('.')}' ${issue.message}`);
  }
  return parsed.data;
}

/**
 * A table expression over one dataset of the run in `dir`, as its manifest names it (its layout
 * and files: whatever else lies in the folder is not this run's), or null when it has none.
 */
function parquetSource(dir: string, manifest: RunManifest, kind: 'spikes' | 'state'): string | null {
  if (manifest.files && !manifest.files[kind]) return null;
  const file = join(dir, `${kind}.parquet`);
  const folder = join(dir, kind);
  // Manifests before `layout`: whichever the folder holds.
  const parts = manifest.layout ? manifest.layout === 'parts' : !existsSync(file);
  if (!parts && existsSync(file)) return `read_parquet(${sqlString(file)})`;
  if (parts && existsSync(folder)) return `read_parquet(${sqlString(join(folder, '*.parquet'))})`;
  return null;
}

/** The run in `dir`: a `spikesweep run` output folder or a sweep's runs/run=<i>. */
export function loadRunSource(dir: string): RunSource {
  const abs = resolve(dir);
  const manifest = readManifest(join(abs, 'manifest.json'));
  const inSweep = sweepRunOf(abs);
  if (inSweep) return sweepRunSource(inSweep.sweepDir, inSweep.index, manifest);
  const spikes = parquetSource(abs, manifest, 'spikes');
  if (!spikes) throw new ReportInputError(`${abs}: no spikes.parquet or spikes/ folder next to manifest.json`);
  return { label: manifest.report.runId, manifest, values: {}, spikes, state: parquetSource(abs, manifest, 'state') };
}

/** Run `index` of the sweep in `sweepDir`. */
export function sweepRunSource(sweepDir: string, index: number, manifest = readManifest(join(sweepDir, 'runs', `run=${index}`, 'manifest.json'))): RunSource {
  const summaryPath = join(sweepDir, 'runs', `run=${index}`, 'summary.json');
  const summary: Partial<RunRecord> = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as RunRecord) : {};
  const spikesDir = join(sweepDir, 'spikes', `run=${index}`);
  const stateDir = join(sweepDir, 'state', `run=${index}`);
  return {
    label: `run ${index} of ${basename(sweepDir)}`,
    manifest,
    values: summary.values ?? {},
    // A run with no spike part yet still gets a page: an empty spike table of the same columns.
    spikes: existsSync(spikesDir) ? `read_parquet(${sqlString(join(spikesDir, '*.parquet'))})` : `(SELECT NULL::VARCHAR AS population, NULL::INTEGER AS neuron, NULL::DOUBLE AS t_ms WHERE false)`,
    state: existsSync(stateDir) ? `read_parquet(${sqlString(join(stateDir, '*.parquet'))})` : null,
  };
}
