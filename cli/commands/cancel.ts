// `spikesweep cancel <sweep>`: stops a sweep; in-flight runs stop, completed runs' outputs stay and
// runs.parquet marks every run's status. With no worker to take it, the cancel is recorded for the next.
import { SweepClient } from '../../sweeps/index.js';
import { reportError } from '../errors.js';
import type { SweepQueryCliOptions } from '../options.js';

export async function cancelCommand(arg: string, options: SweepQueryCliOptions): Promise<number> {
  let client: SweepClient | null = null;
  try {
    client = await SweepClient.connect({ startLocalServer: false });
    const sweep = await client.attach(arg);
    const result = await sweep.cancel();
    const out = { sweepId: sweep.sweepId, status: result.status, runs: { total: result.total, completed: result.completed, failed: result.failed }, output: result.output };
    const text = result.status === 'cancelling'
      ? `${out.sweepId}: cancelling — no worker took the cancel; it is recorded, and the sweep stops when a worker runs it (\`spikesweep worker\`)`
      : `${out.sweepId}: ${out.status} (${out.runs.completed} runs completed and kept in ${out.output})`;
    process.stdout.write(options.json ? `${JSON.stringify(out)}\n` : `${text}\n`);
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json });
  } finally {
    await client?.close();
  }
}
