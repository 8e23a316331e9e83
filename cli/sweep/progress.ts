// A sweep's live progress bar on stderr: done, failed, running, ETA.
import cliProgress from 'cli-progress';
import type { SweepProgress } from '../../workflows/contract.js';

export interface SweepBar {
  update(p: SweepProgress): void;
  stop(): void;
}

export function startSweepBar(): SweepBar {
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'runs {bar} {value}/{total} | done {done} | failed {failed} | running {running} | eta {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(p) {
      const payload = { done: p.completed, failed: p.failed, running: p.running };
      if (!started) {
        bar.start(p.total, p.completed + p.failed, payload);
        started = true;
      }
      bar.update(p.completed + p.failed, payload);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
