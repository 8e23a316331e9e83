// What a sweep says about itself in the Temporal Web UI from the moment it is submitted: the
// workflow's static summary (one line: name, runs, varied parameters) and static details
// (markdown: the output folder, the command that makes its report, the plan as a table). The
// live part — progress per parameter point — is the workflow's own (workflows/progress-details.ts).
import { sweepDir } from '../results/index.js';
import type { SweepInput } from '../workflows/contract.js';
import { formatValue } from '../workflows/plan/describe.js';
import { planShape, seedAt, seedCount } from '../workflows/plan/expand.js';
import type { SampleDistribution, SweepPlan } from '../workflows/plan/types.js';

/** Values listed in full up to this many; longer lists show their start and end (the details stay small). */
const LISTED_VALUES = 8;

const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

// Reads only the values it shows: a plan may hold a billion seeds.
function listText(count: number, at: (k: number) => number): string {
  const shown = (ks: number[]) => ks.map((k) => formatValue(at(k))).join(', ');
  if (count <= LISTED_VALUES) return shown([...Array(count).keys()]);
  return `${shown([...Array(LISTED_VALUES - 2).keys()])}, …, ${formatValue(at(count - 1))} (${count} values)`;
}

const valuesText = (values: number[]) => listText(values.length, (k) => values[k]);

function distributionText(d: SampleDistribution): string {
  switch (d.kind) {
    case 'uniform': return `uniform(${formatValue(d.min)}, ${formatValue(d.max)})`;
    case 'loguniform': return `loguniform(${formatValue(d.min)}, ${formatValue(d.max)})`;
    case 'normal': return `normal(mean ${formatValue(d.mean)}, sd ${formatValue(d.sd)})`;
  }
}

/** Rows of the plan table: how each parameter is varied, its name, values and parameter paths; the seeds last. */
function planRows(plan: SweepPlan): string[][] {
  const { sample } = plan;
  return [
    ...plan.grid.map((a) => ['grid', a.name, valuesText(a.values), a.paths.join(', ')]),
    ...plan.zip.map((a) => ['zip', a.name, valuesText(a.values), a.paths.join(', ')]),
    ...(sample ? sample.parameters.map((p) => ['sample', p.name, `${counted(sample.count, 'draw')} of ${distributionText(p.distribution)} (seed ${sample.seed})`, p.paths.join(', ')]) : []),
    [plan.seeds.policy === 'list' ? 'seeds' : `seeds, ${plan.seeds.policy}`, 'seed', listText(seedCount(plan.seeds), (k) => seedAt(plan.seeds, k)), ''],
  ];
}

/** `cuba-weights · 36 runs · we, wi × 4 seeds` */
export function sweepSummary(input: SweepInput): string {
  const { plan } = input;
  const shape = planShape(plan);
  const varied = [...plan.grid, ...plan.zip, ...(plan.sample?.parameters ?? [])].map((p) => p.name);
  const seeds = counted(shape.seeds, 'seed');
  return `${input.name} · ${counted(shape.runs, 'run')} · ${varied.length > 0 ? `${varied.join(', ')} × ${seeds}` : seeds}`;
}

/** Where the dataset goes and how to get its report (first: the UI's panel shows the top without scrolling), then the plan as a table. */
export function sweepDetails(input: SweepInput): string {
  const shape = planShape(input.plan);
  return [
    `**Output** \`${sweepDir(input.output, input.sweepId)}\``,
    '',
    `**Report** \`spikesweep report ${input.sweepId}\``,
    '',
    `**Plan** · ${counted(shape.points, 'parameter point')} × ${counted(shape.seeds, 'seed')} = ${counted(shape.runs, 'run')} of ${formatValue(input.durationMs)} ms`
      + ` · backend ${input.backend}, ${counted(input.threads, 'thread')} per run, ${input.maxConcurrent} at a time`,
    '',
    '| varied as | parameter | values | paths |',
    '|---|---|---|---|',
    ...planRows(input.plan).map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}
