// The human summary `spikesweep run` prints without --json.
import Table from 'cli-table3';
import type { RunReport } from '../engine/index.js';

// Plain borders without colours when stdout is not a terminal (piped into a file or a pager).
const style = () => (process.stdout.isTTY ? {} : { style: { head: [], border: [] } });
const fmt = (x: number | null, digits = 2) => (x === null ? '—' : x.toFixed(digits));

export function formatSummary(report: RunReport, specFile: string): string {
  const populations = new Table({ head: ['population', 'neurons', 'spikes', 'rate (Hz)'], colAligns: ['left', 'right', 'right', 'right'], ...style() });
  for (const [name, p] of Object.entries(report.populations)) {
    populations.push([name, String(p.size), p.spikes === null ? 'not recorded' : String(p.spikes), fmt(p.meanRateHz)]);
  }
  const t = report.timings;
  const timings = new Table({ head: ['codegen', 'compile', 'build', 'simulate', 'write'], colAligns: ['right', 'right', 'right', 'right', 'right'], ...style() });
  timings.push([t.codegen, t.compile, t.build, t.simulate, t.write].map((x) => `${fmt(x, 1)} ms`));
  const outputs = Object.entries(report.outputs).map(([k, v]) => `  ${k.padEnd(9)}${v}`);
  return [
    `${specFile}: ${report.simulatedMs} ms simulated, seed ${report.seed}, ${report.threads} thread${report.threads === 1 ? '' : 's'}, kernel ${report.compileCacheHit ? 'from cache' : 'compiled'}`,
    populations.toString(),
    timings.toString(),
    `spikes sha256 ${report.spikesSha256}`,
    ...outputs,
    '',
  ].join('\n');
}
