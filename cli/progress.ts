// Progress bars on stderr (only used when stderr is a terminal and --json is off). A bar starts
// on its first update, when the total is known.
import cliProgress from 'cli-progress';
import type { SweepProgress } from '../workflows/contract.js';

export interface Bar<T extends unknown[]> {
  update(...args: T): void;
  stop(): void;
}

function lazyBar<T extends unknown[]>(format: string, read: (...args: T) => { value: number; total: number; payload?: Record<string, unknown> }): Bar<T> {
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(...args) {
      const { value, total, payload } = read(...args);
      if (!started) {
        bar.start(total, value, payload);
        started = true;
      }
      bar.update(value, payload);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

export type ProgressBar = Bar<[simulatedMs: number, totalMs: number]>;

/** One simulation: simulated time of the total. */
export function startProgressBar(): ProgressBar {
  return lazyBar('simulating {bar} {percentage}% | {value}/{total} ms | eta {eta_formatted}',
    (done: number, total: number) => ({ value: Math.round(done), total: Math.round(total) }));
}

/** A sweep: finished runs (done or failed) of the total, with running ones. */
export function startSweepBar(): Bar<[SweepProgress]> {
  return lazyBar('runs {bar} {value}/{total} | done {done} | failed {failed} | running {running} | eta {eta_formatted}',
    (p: SweepProgress) => ({ value: p.completed + p.failed, total: p.total, payload: { done: p.completed, failed: p.failed, running: p.running } }));
}
