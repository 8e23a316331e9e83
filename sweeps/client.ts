// The sweep API's entry: a client connected with the CLI's connection settings (Temporal's
// environment configuration; with none, the local dev server and an in-process worker), which
// submits sweeps — from a file or an object — and attaches to them by id.
import { dirname, resolve } from 'node:path';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { pino, type Logger } from 'pino';
import { sweepDir } from '../results/index.js';
import { TASK_QUEUES, queueOf, searchAttributes, type SweepInput } from '../workflows/contract.js';
import { runCount } from '../workflows/plan/expand.js';
import type { SweepWorkflow } from '../workflows/sweep.js';
import type { EmbeddedWorker } from './embedded-worker.js';
import { sweepIdFromArgument, sweepIdOf, workflowIdOf } from './ids.js';
import { SweepHandle } from './handle.js';
import { storeSweepNetwork } from './network-store.js';
import { SweepNotFoundError, onServer } from './server-errors.js';
import { openSession, type TemporalSession } from './session.js';
import { loadSweepSpec, sweepSpecFromObject, type SweepDefinition, type SweepSpec } from './spec.js';
import { sweepDetails, sweepSummary } from './ui-metadata.js';

export interface SweepClientOptions {
  /** Environment holding Temporal's settings (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, …); default process.env. */
  env?: Record<string, string | undefined>;
  /** temporal.toml profile (default: $TEMPORAL_PROFILE, else "default"). */
  profile?: string;
  /** With no server configured: start the local dev server (default true), or only use one already running (false). */
  startLocalServer?: boolean;
  /** Where the embedded worker's SDK logs go (default: pino on stderr at $SPIKESWEEP_LOG_LEVEL, else warn). */
  logger?: Logger;
}

export interface SubmitOptions {
  /** Runs at once (default: the sweep's maxConcurrent). */
  concurrency?: number;
  /** A sweep object's relative `network:` path is relative to this folder (default: the working directory). */
  baseDir?: string;
  /**
   * Dataset root instead of the sweep's `output` (relative to the working directory); the dataset
   * is `<output>/<sweepId>`. Not part of the spec hash: the sweep id stays the same.
   */
  output?: string;
  /**
   * With no server configured, this process runs the sweep in an in-process worker until it closes
   * (default true); false only submits it (a `spikesweep worker` runs it).
   */
  worker?: boolean;
}

const defaultLogger = () => pino({ level: process.env.SPIKESWEEP_LOG_LEVEL ?? 'warn' }, pino.destination(2));

export class SweepClient {
  /** Embedded workers, each settling once it has stopped. */
  private readonly workers = new Set<Promise<void>>();
  private requestClose!: () => void;
  private readonly closeRequested = new Promise<void>((resolveClose) => { this.requestClose = resolveClose; });

  private constructor(private readonly session: TemporalSession, private readonly logger: Logger | undefined) {}

  static async connect(options: SweepClientOptions = {}): Promise<SweepClient> {
    const session = await openSession({ env: options.env, profile: options.profile, startLocal: options.startLocalServer ?? true });
    return new SweepClient(session, options.logger);
  }

  /** True when no server is configured and the local dev server is used (the embedded default). */
  get local(): boolean {
    return this.session.local;
  }

  get address(): string {
    return this.session.address;
  }

  get namespace(): string {
    return this.session.namespace;
  }

  /** Loads and validates a sweep (a sweep file's path, or the same fields as an object) without submitting it. */
  static load(sweep: string | SweepDefinition, options: Pick<SubmitOptions, 'baseDir'> = {}): SweepSpec {
    return typeof sweep === 'string' ? loadSweepSpec(sweep) : sweepSpecFromObject(sweep, { baseDir: options.baseDir });
  }

  /**
   * Submits a sweep — or attaches to it: the sweep id comes from its name and spec hash, so the
   * identical sweep submitted again is followed, not repeated (a failed or cancelled one continues,
   * keeping its committed runs).
   */
  async submit(sweep: string | SweepDefinition, options: SubmitOptions = {}): Promise<SweepHandle> {
    const spec = SweepClient.load(sweep, options);
    if (spec.backend === 'cuda' && this.session.local)
      throw new Error(`${typeof sweep === 'string' ? sweep : spec.name}: backend cuda needs GPU workers (spikesweep worker --queue gpu) on a configured Temporal server; this machine runs the embedded CPU worker only`);
    const sweepId = sweepIdOf(spec.name, spec.specHash);
    const workflowId = workflowIdOf(sweepId);
    const total = runCount(spec.plan);
    // The identical sweep submitted before: one running or completed is followed where it was first
    // submitted to (this submission's output folder untouched); a cancelled or failed one continues
    // there, its committed runs kept. A cancelled sweep's workflow completed (its runs cancelled)
    // and would refuse its id, so it is allowed again explicitly.
    const previous = await new SweepHandle(this.session, sweepId, true, total, null).describe().catch((e) => {
      if (e instanceof SweepNotFoundError) return null;
      throw e;
    });
    const cancelled = previous?.workflowStatus === 'COMPLETED' && previous.published.status === 'cancelled';
    const worker = { concurrency: options.concurrency ?? spec.maxConcurrent, threads: spec.threads, wanted: options.worker ?? true };
    if (previous && !cancelled && ['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW'].includes(previous.workflowStatus))
      return this.withWorker(new SweepHandle(this.session, sweepId, true, total, previous.output), previous.workflowStatus === 'RUNNING', worker);
    const output = previous?.output ? dirname(previous.output) : resolve(options.output ?? spec.output);
    const dataset = sweepDir(output, sweepId);
    // The spec travels as a file in the dataset folder, its hash in the input: any size fits Temporal's payload limit.
    const networkSha256 = await storeSweepNetwork(dataset, spec.network);
    const input: SweepInput = {
      sweepId, name: spec.name, specHash: spec.specHash, networkSha256, protocol: spec.protocol, durationMs: spec.durationMs,
      plan: spec.plan, backend: spec.backend, cudaMode: spec.cudaMode, threads: spec.threads, maxConcurrent: options.concurrency ?? spec.maxConcurrent, output,
      checkpointEveryMs: spec.checkpointEveryMs,
    };
    let attached = false;
    try {
      await onServer(this.session, `submitting sweep ${sweepId}`, () => this.session.client.workflow.start<typeof SweepWorkflow>('SweepWorkflow', {
        taskQueue: TASK_QUEUES[queueOf(spec.backend)], workflowId, args: [input],
        workflowIdReusePolicy: cancelled ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
        // What the Web UI shows of the sweep before its first run: name, runs, plan, output, report command.
        staticSummary: sweepSummary(input),
        staticDetails: sweepDetails(input),
        typedSearchAttributes: [
          { key: searchAttributes.sweepId, value: sweepId },
          { key: searchAttributes.sweepName, value: spec.name },
          { key: searchAttributes.status, value: 'running' },
        ],
        memo: {
          output: dataset, name: spec.name, specHash: spec.specHash, runs: total, durationMs: spec.durationMs, backend: spec.backend,
          ...(typeof sweep === 'string' ? { file: resolve(sweep) } : {}),
        },
      }), { payloadBytes: Buffer.byteLength(JSON.stringify(input)) });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      attached = true;
    }
    // Submitted meanwhile by another client: followed where that one writes.
    const described = attached ? await new SweepHandle(this.session, sweepId, true, total, null).describe() : null;
    return this.withWorker(new SweepHandle(this.session, sweepId, attached, total, described?.output ?? dataset), !described || described.workflowStatus === 'RUNNING', worker);
  }

  // With the embedded default, a sweep still running gets an in-process worker for as long as it runs.
  private async withWorker(handle: SweepHandle, running: boolean, worker: { concurrency: number; threads: number; wanted: boolean }): Promise<SweepHandle> {
    if (this.session.local && worker.wanted && running) {
      // Imported here: only the embedded default loads the worker, its workflows and activities.
      const { startEmbeddedWorker } = await import('./embedded-worker.js');
      const embedded = await startEmbeddedWorker({
        address: this.session.address, namespace: this.session.namespace, concurrency: worker.concurrency, threads: worker.threads,
        logger: this.logger ?? defaultLogger(),
      });
      this.track(embedded, handle);
    }
    return handle;
  }

  /** A sweep by id (or workflow id); throws when the server does not know it. */
  async attach(sweep: string): Promise<SweepHandle> {
    const sweepId = sweepIdFromArgument(sweep);
    const { total, output } = await new SweepHandle(this.session, sweepId, true, 0, null).describe();
    return new SweepHandle(this.session, sweepId, true, total ?? 0, output);
  }

  /** Stops the embedded workers this client started (in-flight runs get the drain grace time), then closes the connection. */
  async close(): Promise<void> {
    this.requestClose();
    try {
      await Promise.all([...this.workers]);
    } finally {
      await this.session.close();
    }
  }

  // The embedded worker lives until its sweep closes, or until the client closes.
  private track(worker: EmbeddedWorker, handle: SweepHandle): void {
    const closed = handle.result().then(() => undefined, () => undefined);
    const stopped = Promise.race([closed, this.closeRequested]).then(() => worker.stop());
    // A worker's failure surfaces from close(), not as an unhandled rejection before it.
    stopped.catch(() => undefined);
    this.workers.add(stopped);
  }
}
