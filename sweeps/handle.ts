// A submitted sweep, by id: its progress (live, or as a stream), its result, cancelling it, and
// SQL over its dataset. The same operations back `spikesweep sweep/status/cancel/results`.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateRPCTimeoutOrCancelledError, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { openResults, type QueryResult, type ResultsDb } from '../results/index.js';
import { cancelSignal, cancelUpdate, progressQuery, type SweepProgress } from '../workflows/contract.js';
import type { SweepResult, SweepWorkflow } from '../workflows/sweep.js';
import { workflowIdOf } from './ids.js';
import { SweepNotFoundError, onServer } from './server-errors.js';
import { workflowUiUrl, type TemporalSession } from './session.js';
import { datasetWritten, publishedProgress, sweepProgressOf, type PublishedProgress } from './status.js';

export type { SweepProgress } from '../workflows/contract.js';
export type { SweepResult } from '../workflows/sweep.js';

/** Where a sweep stands, whether it runs or has closed. */
export interface SweepStatus extends SweepProgress {
  workflowId: string;
  /** Temporal's execution status (RUNNING, COMPLETED, CANCELLED, FAILED, …). */
  workflowStatus: string;
  /** The sweep's dataset folder (`<output>/<sweepId>`), when recorded. */
  output: string | null;
  /** runs.parquet and manifest.json are in `output` on this machine. */
  datasetWritten: boolean;
  uiUrl: string | null;
}

/** What the server knows of a sweep without asking a worker. */
export interface SweepDescription {
  /** Temporal's execution status (RUNNING, COMPLETED, …). */
  workflowStatus: string;
  /** Runs in the sweep, as the submitter recorded them. */
  total: number | null;
  /** The dataset folder, as the submitter recorded it. */
  output: string | null;
  /** The status and counts the workflow last published as search attributes. */
  published: PublishedProgress;
}

/** What the submitter recorded in the workflow's memo (SweepClient.submit); fields it lacks read as unknown. */
const SweepMemo = z.object({ output: z.string().optional().catch(undefined), runs: z.number().int().min(0).optional().catch(undefined) });

/** How long status() waits for a worker to answer the progress query before it reads what the server holds. */
const QUERY_WAIT_MS = 2_000;
/** How long cancel() waits for a worker to take the cancel before it records it for the next one. */
const CANCEL_WAIT_MS = 5_000;

export class SweepHandle {
  readonly workflowId: string;
  readonly uiUrl: string | null;
  private readonly workflow: WorkflowHandle<typeof SweepWorkflow>;

  /** @internal — handles come from SweepClient.submit and SweepClient.attach. */
  constructor(
    private readonly session: TemporalSession,
    readonly sweepId: string,
    /** True when the submission found the identical sweep already submitted, or the handle came from attach. */
    readonly attached: boolean,
    /** Runs in the sweep. */
    readonly total: number,
    /** The dataset folder, when the submitter knows it (else read from the workflow's memo). */
    private readonly knownOutput: string | null,
  ) {
    this.workflowId = workflowIdOf(sweepId);
    this.uiUrl = workflowUiUrl(session, this.workflowId);
    this.workflow = session.client.workflow.getHandle<typeof SweepWorkflow>(this.workflowId);
  }

  /** The sweep's live counts (a query: the workflow must be open, or a worker must answer it). */
  progress(): Promise<SweepProgress> {
    return this.call('querying', () => this.workflow.query(progressQuery));
  }

  /** Temporal's execution status, what the submitter recorded and what the workflow published; needs no worker. */
  async describe(): Promise<SweepDescription> {
    const description = await this.call('describing', () => this.workflow.describe());
    const memo = SweepMemo.parse(description.memo ?? {});
    return { workflowStatus: description.status.name, total: memo.runs ?? null, output: memo.output ?? null, published: publishedProgress(description.typedSearchAttributes) };
  }

  /**
   * Where the sweep stands, with or without a worker (sweeps/status.ts): live counts when a worker
   * answers, else the published ones; `finalizing` until runs.parquet and the manifest are written;
   * for a closed sweep, its result.
   */
  async status(): Promise<SweepStatus> {
    const description = await this.describe();
    const { workflowStatus, output } = description;
    const live = workflowStatus === 'COMPLETED' ? await this.result()
      : workflowStatus === 'RUNNING' ? await this.session.connection.withDeadline(Date.now() + QUERY_WAIT_MS, () => this.workflow.query(progressQuery)).catch(() => null)
      : null;
    const written = datasetWritten(output);
    const cancelRecorded = workflowStatus === 'RUNNING' && live === null && (await this.cancelRecorded());
    const progress = sweepProgressOf({ sweepId: this.sweepId, ...description, live, datasetWritten: written, cancelRecorded });
    return { ...progress, workflowId: this.workflowId, workflowStatus, output, datasetWritten: written, uiUrl: this.uiUrl };
  }

  /** Whether the sweep's history holds a cancel signal no workflow task has taken yet (cancel() with no worker running). */
  private async cancelRecorded(): Promise<boolean> {
    const { history } = await this.call('reading the history of', () => this.session.client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: this.session.namespace, execution: { workflowId: this.workflowId }, maximumPageSize: 100,
    }));
    for (const event of history?.events ?? []) {
      if (event.workflowTaskCompletedEventAttributes) return false;
      if (event.workflowExecutionSignaledEventAttributes?.signalName === cancelSignal.name) return true;
    }
    return false;
  }

  /** Resolves when the sweep closes (completed, or cancelled: runs.parquet is written either way). */
  result(): Promise<SweepResult> {
    return this.workflow.result();
  }

  /**
   * Progress as it changes, polled every `intervalMs` (default 500), until the sweep closes; the
   * last value is the final count. Errors of single polls are skipped (the sweep may be between
   * runs of continue-as-new); the sweep's own failure is thrown.
   */
  async *follow(opts: { intervalMs?: number } = {}): AsyncGenerator<SweepProgress, SweepResult> {
    const intervalMs = opts.intervalMs ?? 500;
    let closed = false;
    // The pending poll interval and query end with the sweep: a live timer would hold the process
    // open, and a query sent as the sweep closed may wait ~30 s for a worker to answer it (the
    // embedded one stops when the sweep closes).
    const polling = new AbortController();
    const done = this.result().finally(() => { closed = true; polling.abort(); });
    done.catch(() => undefined);
    let last = '';
    const changed = (p: SweepProgress) => {
      const key = JSON.stringify(p);
      if (key === last) return false;
      last = key;
      return true;
    };
    while (!closed) {
      const p = await this.pollProgress(polling.signal).catch(() => null);
      if (p && !closed && changed(p)) yield p;
      await sleep(intervalMs, undefined, { signal: polling.signal }).catch(() => undefined);
    }
    const result = await done;
    const final: SweepProgress = { sweepId: result.sweepId, status: result.status, total: result.total, completed: result.completed, failed: result.failed, running: result.running };
    if (changed(final)) yield final;
    return result;
  }

  // Temporal's Connection adds an abort listener to the signal for every call it makes and never
  // removes it (@temporalio/client connection.js); a signal of its own per poll keeps them from
  // piling up on the one that lives as long as the sweep.
  private async pollProgress(stop: AbortSignal): Promise<SweepProgress> {
    const poll = new AbortController();
    const abort = () => poll.abort();
    stop.addEventListener('abort', abort, { once: true });
    try {
      return await this.session.connection.withAbortSignal(poll.signal, () => this.progress());
    } finally {
      stop.removeEventListener('abort', abort);
    }
  }

  /**
   * Cancels the sweep: in-flight runs stop, committed runs stay. Once a worker has taken the cancel
   * it resolves with the sweep's status when the sweep has ended (`cancelled`, with its dataset
   * written); a sweep that had already ended gives how it ended. When no worker takes the cancel
   * within CANCEL_WAIT_MS, it is recorded in the sweep's history instead (a signal the next worker
   * takes) and it resolves at once with `cancelling`, as status() says until a worker takes it.
   */
  async cancel(): Promise<SweepStatus> {
    try {
      await this.call('cancelling', () => this.session.connection.withDeadline(Date.now() + CANCEL_WAIT_MS, () => this.workflow.executeUpdate(cancelUpdate)));
    } catch (error) {
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        await this.call('cancelling', () => this.workflow.signal(cancelSignal));
        return this.status();
      }
      // An update reaches only a running workflow: the server answers "not found" for an ended one too.
      if (!(error instanceof SweepNotFoundError) || (await this.describe()).workflowStatus === 'RUNNING') throw error;
    }
    await this.result().catch(() => undefined);
    return this.status();
  }

  /** The sweep's dataset folder. */
  async output(): Promise<string> {
    const output = this.knownOutput ?? (await this.describe()).output;
    if (!output) throw new Error(`sweep ${this.sweepId} has no recorded output folder`);
    return output;
  }

  /** DuckDB over the dataset (views runs, spikes, state); close it when done. */
  async results(): Promise<ResultsDb> {
    return openResults(await this.output());
  }

  // A server call on this sweep; what fails reaches the caller as a sentence naming the cause.
  private call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    return onServer(this.session, `${doing} sweep ${this.sweepId}`, fn, { sweepId: this.sweepId });
  }

  /** One SQL query over the dataset's views. */
  async query(sql: string): Promise<QueryResult> {
    const db = await this.results();
    try {
      return await db.query(sql);
    } finally {
      db.close();
    }
  }
}
