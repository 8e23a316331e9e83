// `spikesweep status <sweep>`: where a sweep stands (live progress while it runs, its result after).
import { SweepClient } from '../../sweeps/index.js';
import { reportError } from '../errors.js';
import type { SweepQueryCliOptions } from '../options.js';

export async function statusCommand(arg: string, options: SweepQueryCliOptions): Promise<number> {
  let client: SweepClient | null = null;
  try {
    client = await SweepClient.connect({ startLocalServer: false });
    const s = await (await client.attach(arg)).status();
    const out = { sweepId: s.sweepId, status: s.status, runs: { total: s.total, completed: s.completed, failed: s.failed, running: s.running }, output: s.output, uiUrl: s.uiUrl };
    process.stdout.write(options.json ? `${JSON.stringify(out)}\n`
      : `${s.sweepId}: ${s.status} — ${s.completed}/${s.total} done, ${s.failed} failed, ${s.running} running\n  output: ${s.output ?? '?'}\n${s.uiUrl ? `  Web UI: ${s.uiUrl}\n` : ''}`);
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json });
  } finally {
    await client?.close();
  }
}
