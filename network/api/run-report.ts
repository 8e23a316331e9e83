// Brian2's run(report=…, report_period=…): progress of one simulate() as text on stdout or stderr,
// or passed to a function, at its start, at most once per report period of wall time, and at its
// end — whatever the period.

/** Brian2's report callback: wall time elapsed (s), fraction of the run done, the run's duration (ms). */
export type ReportCallback = (elapsedS: number, complete: number, durationMs: number) => void;
export type RunReport = 'text' | 'stdout' | 'stderr' | ReportCallback;

/** Brian2's default report_period: 60 s of wall time. */
export const DEFAULT_REPORT_PERIOD_S = 60;

const seconds = (s: number) => `${Math.round(s)} s`;
const ms = (x: number) => `${Number(x.toFixed(6))} ms`;

// `last`: the run's final report (a run stopped early ends below 100 % with no estimate).
type Reported = (elapsedS: number, complete: number, durationMs: number, last: boolean) => void;

function textReport(write: (line: string) => void, startMs: number): Reported {
  return (elapsedS, complete, durationMs, last) => {
    if (complete === 0 && !last) return write(`Starting simulation at t=${ms(startMs)} for a duration of ${ms(durationMs)}\n`);
    const done = `${ms(complete * durationMs)} (${Math.round(complete * 100)}%) simulated in ${seconds(elapsedS)}`;
    write(last ? `${done}\n` : `${done}, estimated ${seconds((elapsedS * (1 - complete)) / complete)} remaining.\n`);
  };
}

export interface RunReporter {
  /** The simulated time of this run so far (ms), as the native loop reports it. */
  progress(simulatedMs: number): void;
  /** The run ended after `simulatedMs` (a stop or a stop condition may end it early). */
  end(simulatedMs: number): void;
}

/** Starts reporting a run of `durationMs` beginning at `startMs`: the first report is made now. */
export function startReport(report: RunReport, periodS: number, startMs: number, durationMs: number): RunReporter {
  if (!(periodS > 0)) throw new RangeError(`reportPeriod must be a number of seconds > 0, got ${periodS}`);
  const callback: Reported | null = typeof report === 'function' ? (e, c, d) => report(e, c, d)
    : report === 'stderr' ? textReport((l) => process.stderr.write(l), startMs)
      : report === 'text' || report === 'stdout' ? textReport((l) => process.stdout.write(l), startMs)
        : null;
  if (!callback) throw new TypeError(`report must be 'text', 'stdout', 'stderr' or a function, got ${String(report)}`);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let last = 0;
  callback(0, 0, durationMs, false);
  const fraction = (simulatedMs: number) => (durationMs > 0 ? Math.min(1, simulatedMs / durationMs) : 1);
  return {
    progress(simulatedMs) {
      const now = elapsed();
      if (now - last < periodS || simulatedMs <= 0 || simulatedMs >= durationMs) return;
      last = now;
      callback(now, fraction(simulatedMs), durationMs, false);
    },
    end(simulatedMs) { callback(elapsed(), fraction(simulatedMs), durationMs, true); },
  };
}
