// `spikesweep cancel <sweep>`: stops a sweep; in-flight runs stop, completed runs' outputs stay and
// runs.parquet marks every run's status.
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
    process.stdout.write(options.json ? `${JSON.stringify(out)}\n` : `${out.sweepId}: ${out.status} (${out.runs.completed} runs completed and kept in ${out.output})\n`);
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json });
  } finally {
    await client?.close();
  }
}
