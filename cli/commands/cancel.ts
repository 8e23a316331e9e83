// `spikesweep cancel <sweep>`: stops a sweep; in-flight runs stop, completed runs' outputs stay and
// runs.parquet marks every run's status.
import { cancelUpdate } from '../../workflows/contract.js';
import { reportError } from '../errors.js';
import type { SweepQueryCliOptions } from '../options.js';
import { sweepIdFromArgument, workflowIdOf } from '../sweep/ids.js';
import { openSession } from '../sweep/session.js';

export async function cancelCommand(arg: string, options: SweepQueryCliOptions): Promise<number> {
  try {
    const session = await openSession({ startLocal: false });
    try {
      const handle = session.client.workflow.getHandle(workflowIdOf(sweepIdFromArgument(arg)));
      await handle.executeUpdate(cancelUpdate);
      const result = (await handle.result()) as { status: string; completed: number; failed: number; total: number; output: string };
      const out = { sweepId: sweepIdFromArgument(arg), status: result.status, runs: { total: result.total, completed: result.completed, failed: result.failed }, output: result.output };
      process.stdout.write(options.json ? `${JSON.stringify(out)}\n` : `${out.sweepId}: ${out.status} (${out.runs.completed} runs completed and kept in ${out.output})\n`);
      return 0;
    } finally {
      await session.close();
    }
  } catch (error) {
    return reportError(error, { json: options.json });
  }
}
