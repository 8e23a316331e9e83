// `spikesweep sweep <spec>`: submit a sweep (or attach to the identical one already submitted) with
// the sweep API — which runs an in-process worker when no Temporal server is configured — follow
// its progress, and print a summary, or one JSON object with --json.
import { loadDuckDB } from '../../engine/parquet/duckdb.js';
import { pointSummarySql } from '../../results/index.js';
import { SweepClient, type SweepHandle, type SweepResult } from '../../sweeps/index.js';
import { reportError } from '../errors.js';
import { createCliLogger } from '../logger.js';
import type { SweepCliOptions } from '../options.js';
import { startSweepBar } from '../progress.js';
import { formatTable } from '../table.js';

export async function sweepCommand(file: string, options: SweepCliOptions): Promise<number> {
  let client: SweepClient | null = null;
  try {
    client = await SweepClient.connect({ logger: await createCliLogger() });
    const sweep = await client.submit(file, { concurrency: options.concurrency, worker: !options.detach, output: options.out });
    const output = await sweep.output();
    if (!options.json) process.stderr.write(`sweep ${sweep.sweepId}: ${sweep.total} runs${sweep.attached ? ' (already submitted: following it)' : ''}\n  output: ${output}\n${sweep.uiUrl ? `  Web UI: ${sweep.uiUrl}\n` : ''}`);

    if (options.detach) {
      // A sweep submitted before says where it stands (it may have ended); a new one is running.
      const known = sweep.attached ? await sweep.status() : null;
      const line = { sweepId: sweep.sweepId, workflowId: sweep.workflowId, status: known?.status ?? 'running', runs: { total: sweep.total, completed: known?.completed ?? 0, failed: known?.failed ?? 0 }, output, uiUrl: sweep.uiUrl };
      const text = known ? `already submitted: ${known.status}, ${known.completed}/${sweep.total} runs done, ${known.failed} failed (spikesweep status ${sweep.sweepId})`
        : `submitted; follow it with \`spikesweep status ${sweep.sweepId}\`${client.local ? ' (start `spikesweep worker` to run it)' : ''}`;
      process.stdout.write(options.json ? `${JSON.stringify(line)}\n` : `${text}\n`);
      return 0;
    }
    // The summary reads runs.parquet with DuckDB: its library loads while the sweep runs (an error surfaces there).
    if (!options.json) loadDuckDB().catch(() => undefined);
    const bar = !options.json && process.stderr.isTTY ? startSweepBar() : null;
    try {
      for await (const progress of sweep.follow()) bar?.update(progress);
    } finally {
      bar?.stop();
    }
    const result = await sweep.result();
    const page = options.report ? await writeSweepReport(result.output) : null;
    const report = { sweepId: sweep.sweepId, workflowId: sweep.workflowId, status: result.status, runs: { total: result.total, completed: result.completed, failed: result.failed }, output: result.output, uiUrl: sweep.uiUrl, ...(page ? { report: page } : {}) };
    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${await summary(sweep, result)}report: ${page ?? `spikesweep report ${sweep.sweepId}`}\n`);
    return result.status === 'completed' ? 0 : 1;
  } catch (error) {
    return reportError(error, { json: options.json, specFile: file });
  } finally {
    await client?.close();
  }
}

/** Writes the sweep's report (--report); its page's path. */
async function writeSweepReport(output: string): Promise<string | null> {
  const { writeReport } = await import('../../report/index.js');
  return (await writeReport(output)).page.html;
}

async function summary(sweep: SweepHandle, result: SweepResult): Promise<string> {
  const results = await sweep.results();
  try {
    const { columns, rows } = await results.query(await pointSummarySql(results));
    return `${result.status}: ${result.completed}/${result.total} runs completed, ${result.failed} failed\n${formatTable(columns, rows)}results: ${result.output} (spikesweep results ${sweep.sweepId} --sql '…')\n`;
  } finally {
    results.close();
  }
}
