// `spikesweep sweep <spec>`: submit a sweep (or attach to the identical one already submitted),
// run an in-process worker when no Temporal server is configured (the local dev server is started
// for it), follow progress, and print a summary — or one JSON object with --json.
import { resolve } from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { closeRunners, createActivities } from '../../activities/index.js';
import { createWorker, installRuntime } from '../../worker/index.js';
import { createCliLogger } from '../logger.js';
import { TASK_QUEUES, progressQuery, searchAttributes, type SweepInput } from '../../workflows/contract.js';
import { runCount } from '../../workflows/plan/expand.js';
import type { SweepResult, SweepWorkflow } from '../../workflows/sweep.js';
import { reportError } from '../errors.js';
import type { SweepCliOptions } from '../options.js';
import { sweepIdOf, workflowIdOf } from '../sweep/ids.js';
import { startSweepBar } from '../progress.js';
import { openResults, query } from '../sweep/results-db.js';
import { openSession, workflowUiUrl } from '../sweep/session.js';
import { loadSweepSpec } from '../sweep-spec.js';
import { formatTable } from '../sweep/table.js';

export async function sweepCommand(file: string, options: SweepCliOptions): Promise<number> {
  let worker: Worker | null = null;
  let workerDone: Promise<void> | null = null;
  try {
    const spec = loadSweepSpec(file);
    const session = await openSession({ startLocal: true });
    if (spec.backend === 'cuda' && session.local)
      throw new Error(`${file}: backend cuda needs GPU workers (spikesweep worker --queue gpu) on a configured Temporal server; this machine runs the embedded CPU worker only`);
    const sweepId = sweepIdOf(spec.name, spec.specHash);
    const workflowId = workflowIdOf(sweepId);
    const output = resolve(spec.output);
    const input: SweepInput = {
      sweepId, name: spec.name, specHash: spec.specHash, network: spec.network, protocol: spec.protocol, durationMs: spec.durationMs,
      plan: spec.plan, backend: spec.backend, threads: spec.threads, maxConcurrent: options.concurrency ?? spec.maxConcurrent, output,
      checkpointEveryMs: spec.checkpointEveryMs,
    };
    const total = runCount(spec.plan);
    const taskQueue = TASK_QUEUES[spec.backend === 'cuda' ? 'gpu' : 'cpu'];
    let attached = false;
    let handle: WorkflowHandle<typeof SweepWorkflow>;
    try {
      handle = await session.client.workflow.start<typeof SweepWorkflow>('SweepWorkflow', {
        taskQueue, workflowId, args: [input],
        // A completed sweep is never run twice; a failed or cancelled one may be submitted again
        // and continues (committed runs are kept).
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        typedSearchAttributes: [
          { key: searchAttributes.sweepId, value: sweepId },
          { key: searchAttributes.sweepName, value: spec.name },
          { key: searchAttributes.status, value: 'running' },
        ],
        memo: { output: `${output}/${sweepId}`, name: spec.name, specHash: spec.specHash, runs: total, durationMs: spec.durationMs, file: resolve(file) },
      });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      handle = session.client.workflow.getHandle<typeof SweepWorkflow>(workflowId);
      attached = true;
    }
    const uiUrl = workflowUiUrl(session, workflowId);
    if (!options.json) process.stderr.write(`sweep ${sweepId}: ${total} runs${attached ? ' (already submitted: following it)' : ''}\n${uiUrl ? `  Web UI: ${uiUrl}\n` : ''}`);

    if (options.detach) {
      const line = { sweepId, workflowId, status: 'running', runs: { total, completed: 0, failed: 0 }, output: `${output}/${sweepId}`, uiUrl };
      process.stdout.write(options.json ? `${JSON.stringify(line)}\n` : `submitted; follow it with \`spikesweep status ${sweepId}\`${session.local ? ' (start `spikesweep worker` to run it)' : ''}\n`);
      await session.close();
      return 0;
    }
    const running = !attached || (await handle.describe()).status.name === 'RUNNING';
    if (session.local && running) {
      installRuntime({ logger: await createCliLogger(), metricsAddress: null });
      const connection = await NativeConnection.connect({ address: session.address });
      worker = await createWorker({ connection, namespace: session.namespace, queue: 'cpu', concurrency: input.maxConcurrent, threads: input.threads, activities: createActivities });
      workerDone = worker.run();
    }
    const bar = !options.json && process.stderr.isTTY ? startSweepBar() : null;
    const poll = setInterval(async () => {
      try { bar?.update(await handle.query(progressQuery)); } catch { /* the sweep may be between runs of continue-as-new */ }
    }, 500);
    let result: SweepResult;
    try {
      result = await handle.result();
    } finally {
      clearInterval(poll);
      bar?.stop();
    }
    const report = { sweepId, workflowId, status: result.status, runs: { total: result.total, completed: result.completed, failed: result.failed }, output: result.output, uiUrl };
    if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else process.stdout.write(await summary(result, report));
    await session.close();
    return result.status === 'completed' ? 0 : 1;
  } catch (error) {
    return reportError(error, { json: options.json, specFile: file });
  } finally {
    if (worker) {
      worker.shutdown();
      await workerDone;
      closeRunners();
      // The SDK runtime forwards native logs on a timer that would keep the process alive.
      await Runtime.instance().shutdown();
    }
  }
}

async function summary(result: SweepResult, report: { status: string; runs: { total: number; completed: number; failed: number }; output: string }): Promise<string> {
  const con = await openResults(result.output);
  const columns = (await query(con, 'SELECT * FROM runs LIMIT 0')).columns;
  const rates = columns.filter((c) => c.startsWith('rate_'));
  const fixed = new Set(['run', 'seed', 'status', 'attempts', 'resumed_from_ms', 'simulated_ms', 'spikes_sha256', 'error']);
  const axes = columns.filter((c) => !fixed.has(c) && !/^(spikes_|rate_|cv_isi_)|_ms$/.test(c));
  const q = `SELECT ${[...axes.map((a) => `"${a}"`), 'count(*) AS runs', ...rates.map((r) => `round(avg("${r}"), 2) AS "${r}"`)].join(', ')} FROM runs WHERE status = 'completed' ${axes.length ? `GROUP BY ${axes.map((a) => `"${a}"`).join(', ')} ORDER BY ${axes.map((a) => `"${a}"`).join(', ')}` : ''}`;
  const { columns: cols, rows } = await query(con, q);
  con.closeSync();
  return `${report.status}: ${report.runs.completed}/${report.runs.total} runs completed, ${report.runs.failed} failed\n${formatTable(cols, rows)}results: ${report.output} (spikesweep results ${result.sweepId} --sql '…')\n`;
}
