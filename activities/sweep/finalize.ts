// The sweep's results table and manifest, written when the sweep ends (completed or cancelled):
// runs.parquet (its schema and SQL: results/runs-table.ts) from the runs' summaries, then the
// sweep manifest.
import { mkdir, opendir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { DATASET_FILES, runPaths, runRow, sweepDir, sweepManifestPath, workRoot, writeRunsParquet, type RunRecord } from '../../results/index.js';
import type { SweepBackend, SweepProgress } from '../../workflows/contract.js';
import type { SweepPlan } from '../../workflows/plan/types.js';
import { describeHost, writeManifest } from '../../engine/index.js';
import { readRecord } from './summary.js';

export interface FinalizeInput {
  sweepId: string;
  output: string;
  name: string;
  specHash: string;
  total: number;
  status: SweepProgress['status'];
  plan: SweepPlan;
  /** Absent in histories recorded before runs.parquet had a backend column: openmp. */
  backend?: SweepBackend;
}

/** Folders removed at once: fs.rm of the whole root starts one removal per run folder at the same time (+117 MB in the CLI at 20,000 runs, measured). */
const REMOVE_AT_ONCE = 64;
/** Summaries read at once, ahead of the row being written: one at a time, 2,000 tiny runs' reads were most of a second. */
const READ_AHEAD = 64;

/** The runs' records (null: never committed), in run order, READ_AHEAD of them read at a time. */
async function* records(input: FinalizeInput): AsyncGenerator<RunRecord | null> {
  const pending: Promise<RunRecord | null>[] = [];
  const readAhead = (i: number) => {
    if (i >= input.total) return;
    const record = readRecord(runPaths(input.output, input.sweepId, i).summary);
    // Awaited in turn below; a rejection meanwhile is not unhandled.
    record.catch(() => undefined);
    pending.push(record);
  };
  for (let i = 0; i < READ_AHEAD; i++) readAhead(i);
  for (let i = 0; i < input.total; i++) {
    const record = await pending.shift()!;
    readAhead(i + READ_AHEAD);
    yield record;
  }
}

/**
 * Removes the runs' work folders — committed runs' (kept until now: see run.ts) and those of runs
 * that never finished (a cancelled sweep); committed data stays — a few at a time, heartbeating.
 */
async function removeWorkFolders(root: string): Promise<void> {
  let names: string[] = [];
  const dir = await opendir(root).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (!dir) return;
  const removeNames = async () => {
    await Promise.all(names.map((name) => rm(join(root, name), { recursive: true, force: true })));
    names = [];
    Context.current().heartbeat();
  };
  for await (const entry of dir) {
    names.push(entry.name);
    if (names.length === REMOVE_AT_ONCE) await removeNames();
  }
  await removeNames();
  await rm(root, { recursive: true, force: true });
}

export function createFinalizeActivity() {
  return async function finalizeSweep(input: FinalizeInput): Promise<{ runsParquet: string; completed: number; failed: number }> {
    const dir = sweepDir(input.output, input.sweepId);
    await mkdir(dir, { recursive: true });
    const backend = input.backend ?? 'openmp';
    const counts = { completed: 0, failed: 0 };
    // At most READ_AHEAD records at a time: a sweep of any size finalizes in the same memory.
    async function* rows(): AsyncGenerator<Record<string, unknown>> {
      let i = 0;
      for await (const record of records(input)) {
        const row = runRow(i, record, input.plan, backend);
        // A sweep not cancelled ran every run: one without a summary lost its outputs (a folder
        // removed while the sweep ran); it failed, it was not cancelled.
        if (record === null && input.status !== 'cancelled') Object.assign(row, { status: 'failed', error: 'no summary.json in the dataset: the run\'s outputs were removed after it committed' });
        if (row.status === 'completed') counts.completed++;
        else if (row.status === 'failed') counts.failed++;
        if (i % 1000 === 999) Context.current().heartbeat(i);
        i++;
        yield row;
      }
    }
    // The work folders hold nothing runs.parquet reads (summaries and rows are in the dataset), so
    // both go side by side: each is a long line of small file operations.
    const [runsParquet] = await Promise.all([writeRunsParquet(dir, rows()), removeWorkFolders(workRoot(dir))]);
    const { completed, failed } = counts;
    await writeManifest(sweepManifestPath(dir), {
      sweepId: input.sweepId, name: input.name, specHash: input.specHash, status: input.status, backend,
      runs: { total: input.total, completed, failed, cancelled: input.total - completed - failed },
      plan: input.plan, finishedAt: new Date().toISOString(), host: describeHost(), dataset: DATASET_FILES,
    });
    return { runsParquet, completed, failed };
  };
}
