// Where a sweep's files live. Everything a run writes goes to its work folder first; committing
// moves it into the dataset in one rename per folder, and the run's summary.json, written last,
// marks the run committed.
//
//   <output>/<sweepId>/
//     manifest.json                    sweep manifest (finalizeSweep)
//     network/<sha256>.json            the network spec, stored at submission (network-spec.ts)
//     runs.parquet                     one row per run (finalizeSweep; columns: runs-table.ts)
//     spikes/run=<i>/part-*.parquet    hive-partitioned spike rows
//     state/run=<i>/part-*.parquet     monitored variables
//     bold/run=<i>/part-*.parquet      BOLD monitors' samples (networks with boldMonitors)
//     runs/run=<i>/summary.json        the run's record (run-record.ts; commit marker)
//     runs/run=<i>/manifest.json       the run's provenance (the engine's run manifest)
//     .work/run=<i>/                   a run in progress: spec, parts, checkpoints, progress.json
import { join } from 'node:path';

export interface RunPaths {
  sweepDir: string;
  work: string;
  spikes: string;
  state: string;
  bold: string;
  runDir: string;
  summary: string;
}

/** The dataset's files relative to the sweep folder, as the sweep manifest lists them. */
export const DATASET_FILES = { runs: 'runs.parquet', spikes: 'spikes/run=<i>/*.parquet', state: 'state/run=<i>/*.parquet', bold: 'bold/run=<i>/*.parquet' } as const;

/** The hive-partitioned datasets under a sweep folder (DuckDB views of the same names). */
export const PARTITIONED_DATASETS = ['spikes', 'state', 'bold'] as const;

export function sweepDir(output: string, sweepId: string): string {
  return join(output, sweepId);
}

export const runsParquetPath = (dir: string) => join(dir, DATASET_FILES.runs);
export const workRoot = (dir: string) => join(dir, '.work');
export const sweepManifestPath = (dir: string) => join(dir, 'manifest.json');
/** Every part file of one partitioned dataset, as a DuckDB glob. */
export const partsGlob = (dir: string, dataset: (typeof PARTITIONED_DATASETS)[number]) => join(dir, dataset, '*', '*.parquet');

export function runPaths(output: string, sweepId: string, index: number): RunPaths {
  const root = sweepDir(output, sweepId);
  const part = `run=${index}`;
  return {
    sweepDir: root,
    work: join(workRoot(root), part),
    spikes: join(root, 'spikes', part),
    state: join(root, 'state', part),
    bold: join(root, 'bold', part),
    runDir: join(root, 'runs', part),
    summary: join(root, 'runs', part, 'summary.json'),
  };
}
