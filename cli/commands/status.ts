// `spikesweep status <sweep>`: where a sweep stands — live progress while a worker answers, the
// counts the workflow published when none does, `finalizing` until the dataset is written, its
// result after (sweeps/status.ts).
import { SweepClient, type SweepStatus } from '../../sweeps/index.js';
import { reportError } from '../errors.js';
import type { SweepQueryCliOptions } from '../options.js';

/** The workflow wrote the dataset (it says so only after finalizeSweep returned), but not where this machine sees it (k8s: a volume of the workers). */
const elsewhere = (s: SweepStatus) => (s.status === 'completed' || s.status === 'cancelled') && !s.datasetWritten;

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
      : `${s.sweepId}: ${s.status} — ${s.completed}/${s.total} done, ${s.failed} failed, ${s.running} running\n  output: ${s.output ?? '?'}${elsewhere(s) ? ' (on the workers\' machines, not on this one)' : ''}\n${s.uiUrl ? `  Web UI: ${s.uiUrl}\n` : ''}`);
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json });
  } finally {
    await client?.close();
  }
}
