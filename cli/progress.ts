// A progress bar on stderr (only used when stderr is a terminal and --json is off).
import cliProgress from 'cli-progress';

export interface ProgressBar {
  update(simulatedMs: number, totalMs: number): void;
  stop(): void;
}

export function startProgressBar(): ProgressBar {
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'simulating {bar} {percentage}% | {value}/{total} ms | eta {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(Math.round(total), 0);
        started = true;
      }
      bar.update(Math.round(done));
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
