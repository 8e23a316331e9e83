// `spikesweep status <sweep>`: where a sweep stands (live progress while it runs, its result after).
import { progressQuery, type SweepProgress } from '../../workflows/contract.js';
import { reportError } from '../errors.js';
import type { SweepQueryCliOptions } from '../options.js';
import { sweepIdFromArgument, workflowIdOf } from '../sweep/ids.js';
import { openSession, workflowUiUrl } from '../sweep/session.js';

export interface SweepStatus extends SweepProgress {
  workflowId: string;
  workflowStatus: string;
  output: string | null;
  uiUrl: string | null;
}

export async function describeSweep(arg: string): Promise<SweepStatus> {
  const session = await openSession({ startLocal: false });
  try {
    const sweepId = sweepIdFromArgument(arg);
    const workflowId = workflowIdOf(sweepId);
    const handle = session.client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    const memo = (description.memo ?? {}) as { output?: string; runs?: number };
    let progress: SweepProgress;
    try {
      progress = await handle.query(progressQuery);
    } catch {
      const done = description.status.name === 'COMPLETED' ? ((await handle.result()) as SweepProgress) : null;
      progress = done ?? { sweepId, status: description.status.name === 'CANCELLED' ? 'cancelled' : 'failed', total: memo.runs ?? 0, completed: 0, failed: 0, running: 0 };
    }
    return { ...progress, workflowId, workflowStatus: description.status.name, output: memo.output ?? null, uiUrl: workflowUiUrl(session, workflowId) };
  } finally {
    await session.close();
  }
}

export async function statusCommand(arg: string, options: SweepQueryCliOptions): Promise<number> {
  try {
    const s = await describeSweep(arg);
    const out = { sweepId: s.sweepId, status: s.status, runs: { total: s.total, completed: s.completed, failed: s.failed, running: s.running }, output: s.output, uiUrl: s.uiUrl };
    process.stdout.write(options.json ? `${JSON.stringify(out)}\n`
      : `${s.sweepId}: ${s.status} — ${s.completed}/${s.total} done, ${s.failed} failed, ${s.running} running\n  output: ${s.output ?? '?'}\n${s.uiUrl ? `  Web UI: ${s.uiUrl}\n` : ''}`);
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json });
  }
}
