// The sweep workflow's "current details" in the Temporal Web UI (setCurrentDetails; the UI reads
// them with the `__temporal_workflow_metadata` query): a markdown table of progress per parameter
// point — runs done and failed, the mean rate of each population so far — with a line for the
// whole sweep, then one for each of the first DETAILED_POINTS points and one for the points not listed.
// Pure: it runs in the workflow sandbox.
import type { PointProgress, RateSum, SweepProgress } from './contract.js';
import { formatValue } from './plan/describe.js';
import { planRun, planShape } from './plan/expand.js';
import type { SweepPlan } from './plan/types.js';
import { DETAILED_POINTS, meanHz } from './point-progress.js';

/** 12,345 (not toLocaleString: the text must not depend on the worker's locale). */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const rate = (sum: RateSum | undefined) => {
  const hz = meanHz(sum);
  return hz === null ? '–' : hz.toFixed(2);
};
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const blanks = (n: number) => Array.from({ length: n }, () => '');

export function progressDetails(plan: SweepPlan, progress: SweepProgress, points: PointProgress): string {
  const shape = planShape(plan);
  const listed = Math.min(shape.points, DETAILED_POINTS);
  const axes = Object.keys(planRun(plan, 0).values);
  const populations = Object.keys(points.rates);
  const header = ['point', ...axes, 'done', 'failed', ...populations.map((p) => `${p} (Hz)`)];
  const lines = [
    `**${progress.status}** · ${count(progress.completed)} of ${count(progress.total)} runs done, ${count(progress.failed)} failed, ${count(progress.running)} running`,
    '',
    row(header),
    row(header.map((_, i) => (i === 0 ? '---' : '---:'))),
    // The totals first: the UI's panel shows the top of the table without scrolling.
    row([`**all ${count(shape.points)} points**`, ...blanks(axes.length), `**${count(progress.completed)} / ${count(progress.total)}**`, `**${count(progress.failed)}**`,
      ...populations.map((p) => `**${rate(points.rates[p])}**`)]),
  ];
  for (let point = 0; point < listed; point++) {
    const tally = points.points[point];
    const values = planRun(plan, point * shape.seeds).values;
    lines.push(row([String(point), ...axes.map((a) => formatValue(values[a])), `${tally?.completed ?? 0} / ${shape.seeds}`, String(tally?.failed ?? 0),
      ...populations.map((p) => rate(tally?.rates[p]))]));
  }
  if (shape.points > listed) lines.push(row([`… ${count(shape.points - listed)} more points`, ...blanks(header.length - 1)]));
  return lines.join('\n');
}
