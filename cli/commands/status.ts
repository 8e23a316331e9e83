// `spikesweep status <sweep>`: where a sweep stands — live progress while a worker answers, the
// counts the workflow published when none does, `finalizing` until the dataset is written, its
// result after (sweeps/status.ts). Exits 1 when a finished sweep's dataset is not on this machine.
import { SweepClient } from '../../sweeps/index.js';
import { reportError } from '../errors.js';
import type { SweepQueryCliOptions } from '../options.js';

export async function statusCommand(arg: string, options: SweepQueryCliOptions): Promise<number> {
  let client: SweepClient | null = null;
  try {
    client = await SweepClient.connect({ startLocalServer: false });
    const s = await (await client.attach(arg)).status();
    const out = {
      sweepId: s.sweepId, status: s.status, workflowStatus: s.workflowStatus, runs: { total: s.total, completed: s.completed, failed: s.failed, running: s.running },
      output: s.output, datasetWritten: s.datasetWritten, uiUrl: s.uiUrl,
    };
    process.stdout.write(options.json ? `${JSON.stringify(out)}\n`
      : `${s.sweepId}: ${s.status} — ${s.completed}/${s.total} done, ${s.failed} failed, ${s.running} running\n  output: ${s.output ?? '?'}\n${s.uiUrl ? `  Web UI: ${s.uiUrl}\n` : ''}`);
    const finished = s.status === 'completed' || s.status === 'cancelled';
    if (finished && !s.datasetWritten) {
      process.stderr.write(`spikesweep: sweep ${s.sweepId} is ${s.status}, but its runs.parquet and manifest.json are not in ${s.output ?? 'a recorded output folder'} on this machine\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json });
  } finally {
    await client?.close();
  }
}
