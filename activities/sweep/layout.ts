// Where a sweep's files live. Everything a run writes goes to its work folder first; committing
// moves it into the dataset in one rename per folder, and the run's summary.json, written last,
// marks the run committed.
//
//   <output>/<sweepId>/
//     manifest.json                    sweep manifest (finalizeSweep)
//     runs.parquet                     one row per run (finalizeSweep)
//     spikes/run=<i>/part-*.parquet    hive-partitioned spike rows
//     state/run=<i>/part-*.parquet     monitored variables
//     runs/run=<i>/summary.json        the run's report, parameters, seed, attempts (commit marker)
//     runs/run=<i>/manifest.json       the run's provenance (spikesweep run's manifest)
//     .work/run=<i>/                   a run in progress: spec, parts, checkpoints, progress.json
import { join } from 'node:path';

export interface RunPaths {
  sweepDir: string;
  work: string;
  spikes: string;
  state: string;
  runDir: string;
  summary: string;
}

export function sweepDir(output: string, sweepId: string): string {
  return join(output, sweepId);
}

export function runPaths(output: string, sweepId: string, index: number): RunPaths {
  const root = sweepDir(output, sweepId);
  const part = `run=${index}`;
  return {
    sweepDir: root,
    work: join(root, '.work', part),
    spikes: join(root, 'spikes', part),
    state: join(root, 'state', part),
    runDir: join(root, 'runs', part),
    summary: join(root, 'runs', part, 'summary.json'),
  };
}
