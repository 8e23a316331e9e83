// Where a sweep stands, from everything that can tell without trusting one source: Temporal's
// execution status, the counts and status the workflow published as search attributes (readable
// with no worker running), the live progress query or the result (when there is one), and whether
// runs.parquet and the manifest are on disk. `completed` and `cancelled` promise a written dataset.
import { existsSync } from 'node:fs';
import type { TypedSearchAttributes } from '@temporalio/common';
import { runsParquetPath, sweepManifestPath } from '../results/index.js';
import { searchAttributes, type SweepProgress } from '../workflows/contract.js';

type Status = SweepProgress['status'];

/** What the workflow last published as search attributes (null where it published nothing). */
export interface PublishedProgress {
  status: Status | null;
  completed: number | null;
  failed: number | null;
}

const STATUSES: readonly Status[] = ['running', 'cancelling', 'finalizing', 'cancelled', 'completed', 'failed'];

export function publishedProgress(attributes: TypedSearchAttributes): PublishedProgress {
  const status = attributes.get(searchAttributes.status);
  return {
    status: STATUSES.find((s) => s === status) ?? null,
    completed: attributes.get(searchAttributes.runsDone) ?? null,
    failed: attributes.get(searchAttributes.runsFailed) ?? null,
  };
}

/** runs.parquet and the sweep manifest are both in the dataset folder. */
export function datasetWritten(dataset: string | null): boolean {
  return dataset !== null && existsSync(runsParquetPath(dataset)) && existsSync(sweepManifestPath(dataset));
}

export interface StatusSources {
  sweepId: string;
  /** Temporal's execution status (RUNNING, COMPLETED, FAILED, …). */
  workflowStatus: string;
  /** Runs in the sweep (from the memo), when known. */
  total: number | null;
  published: PublishedProgress;
  /** The progress query's answer, or the closed sweep's result; null when neither was had (no worker). */
  live: SweepProgress | null;
  datasetWritten: boolean;
  /** A cancel is recorded in the history that no worker has taken yet. */
  cancelRecorded?: boolean;
}

/** A closed workflow that did not return a result: Temporal's status says how it ended. */
const CLOSED_WITHOUT_RESULT: Record<string, Status> = { CANCELLED: 'cancelled' };

export function sweepProgressOf(s: StatusSources): SweepProgress {
  const open = s.workflowStatus === 'RUNNING';
  const progress: SweepProgress = s.live ?? {
    sweepId: s.sweepId,
    status: open ? (s.cancelRecorded ? 'cancelling' : s.published.status ?? 'running') : CLOSED_WITHOUT_RESULT[s.workflowStatus] ?? 'failed',
    total: s.total ?? 0,
    completed: s.published.completed ?? 0,
    failed: s.published.failed ?? 0,
    running: 0,
  };
  // A sweep that says it is done while its workflow runs on and the dataset is not there yet is
  // still writing it (sweeps started before `finalizing` existed said `completed` early).
  const done = progress.status === 'completed' || progress.status === 'cancelled';
  if (open && done && !s.datasetWritten) return { ...progress, status: 'finalizing', running: 0 };
  return progress;
}
