// Prints bench/results/latest.json (written by run.ts) as the markdown of the README's
// "Performance" section: every CPU kind measured, side by side. Run: node --import tsx bench/peers/table.ts [file] [--readme]
// --readme replaces the text between <!-- peers-table --> and <!-- /peers-table --> in README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { readLatest, type LatestResults } from './latest.js';

export interface Row { model: string; neurons: number; threads: number; peer: string; phase: string; spikesweepMs: number; peerMs: number; ratio: number; reps: number }
export interface Report {
  machine: Record<string, unknown> & { cpu?: string; cores?: number; memoryGiB?: number; loadBefore?: number[]; loadAfter?: number[] };
  rows: Row[];
  peers: Record<string, { version?: string; status: string; reason?: string }>;
  rates: { model: string; neurons: number; threads?: number; peer: string; meanRateHz: number; seeds?: number[]; band: [number, number]; inBand: boolean }[];
  skipped?: { model: string; neurons: number; threads: number; peer: string; reason: string }[];
  [k: string]: unknown;
}

export const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const BANDS: Record<string, [number, number]> = { cuba: [5.61 * 0.85, 5.61 * 1.15], coba: [20.48 * 0.9, 20.48 * 1.1] };
/** Mean rate over seeds per (model, N, threads, simulator) from the raw runs, against the expected
 *  bands (BANDS: the reference mean rate ±15 % for CUBA, ±10 % for COBA, defined on the mean of
 *  seeds). A seed run more than once counts once. */
export function ratesFrom(raw: { model: string; neurons: number; threads: number; peer: string; meanRateHz: number; seed?: number }[]): Report['rates'] {
  const groups = new Map<string, Map<number, number>>();
  for (const r of raw) {
    const k = `${r.model}|${r.neurons}|${r.threads}|${r.peer}`;
    if (!groups.has(k)) groups.set(k, new Map());
    groups.get(k)!.set(r.seed ?? 1234, r.meanRateHz);
  }
  return [...groups].map(([k, bySeed]) => {
    const [model, neurons, threads, peer] = k.split('|');
    const meanRateHz = [...bySeed.values()].reduce((a, b) => a + b, 0) / bySeed.size;
    return { model, neurons: Number(neurons), threads: Number(threads), peer, meanRateHz, seeds: [...bySeed.keys()], band: BANDS[model], inBand: meanRateHz >= BANDS[model][0] && meanRateHz <= BANDS[model][1] };
  });
}

const f = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);

/** One CPU kind's rates, peers, cases not measured and machine, under its own heading. */
function machineSection(kind: string, r: Report): string[] {
  const out: string[] = ['', `#### ${kind}`, '', '| model | N | threads | simulator | mean rate | seeds | expected band | in band |', '|---|---|---|---|---|---|---|---|'];
  for (const x of r.rates) out.push(`| ${x.model} | ${x.neurons.toLocaleString('en')} | ${x.threads ?? '—'} | ${x.peer} | ${x.meanRateHz.toFixed(2)} Hz | ${x.seeds?.join(', ') ?? '—'} | ${x.band[0].toFixed(2)}–${x.band[1].toFixed(2)} Hz | ${x.inBand ? 'yes' : 'no'} |`);
  out.push('', '| peer | version | status |', '|---|---|---|');
  for (const [name, p] of Object.entries(r.peers)) out.push(`| ${name} | ${p.version ?? '—'} | ${p.status}${p.reason ? `: ${p.reason}` : ''} |`);
  if (r.skipped?.length) {
    out.push('', 'Not measured:');
    for (const s of r.skipped) out.push(`- ${s.peer} ${s.model} N=${s.neurons} ${s.threads} thread(s): ${s.reason}`);
  }
  const m = r.machine;
  out.push('', `Machine: ${m.cpu}${m.vectorIsa ? ` (${m.cpuFamilyModel ?? ''}${m.cpuFamilyModel ? ', ' : ''}${m.vectorIsa}, -march=native → ${m.marchNative})` : ''}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.node}, ${m.python}, ${m.compiler}; load average (1 min) ${m.loadBefore?.[0]?.toFixed(2)} before, ${m.loadAfter?.[0]?.toFixed(2)} after, highest seen during the runs ${Number(m.loadMaxSeen ?? NaN).toFixed(2)}; ${m.date}.`);
  if (typeof r.note === 'string') out.push('', r.note);
  return out;
}

/** Every CPU kind's medians side by side (a column per kind: spikesweep / peer (ratio)), then each kind's details. */
export function markdown(latest: LatestResults): string {
  const kinds = Object.keys(latest.cpus);
  const caseKey = (x: Row) => `${x.model}|${x.neurons}|${x.threads}|${x.phase}|${x.peer}`;
  const cases = new Map<string, Row>();
  for (const kind of kinds) for (const x of latest.cpus[kind].rows) if (!cases.has(caseKey(x))) cases.set(caseKey(x), x);
  const out: string[] = [
    `| model | N | threads | phase | peer | ${kinds.map((k) => `${k}: spikesweep / peer (ratio, reps)`).join(' | ')} |`,
    `|---|---|---|---|---|${kinds.map(() => '---|').join('')}`,
  ];
  for (const [key, x] of cases) {
    const cells = kinds.map((kind) => {
      const y = latest.cpus[kind].rows.find((r) => caseKey(r) === key);
      if (!y) return '—';
      const v = (ms: number) => (y.phase === 'peakRssMiB' ? `${ms.toFixed(0)} MiB` : ms === 0 ? '— (none)' : f(ms));
      return `${v(y.spikesweepMs)} / ${v(y.peerMs)} (${Number.isFinite(y.ratio) ? y.ratio.toFixed(2) : '—'}, ${y.reps})`;
    });
    out.push(`| ${x.model} | ${x.neurons.toLocaleString('en')} | ${x.threads} | ${x.phase} | ${x.peer} | ${cells.join(' | ')} |`);
  }
  for (const kind of kinds) out.push(...machineSection(kind, latest.cpus[kind]));
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'bench/results/latest.json';
  const md = markdown(readLatest(file));
  if (process.argv.includes('--readme')) {
    const readme = readFileSync('README.md', 'utf8');
    const re = /<!-- peers-table -->[\s\S]*?<!-- \/peers-table -->/;
    if (!re.test(readme)) throw new Error('README.md has no <!-- peers-table --> … <!-- /peers-table --> block');
    writeFileSync('README.md', readme.replace(re, () => `<!-- peers-table -->\n${md}\n<!-- /peers-table -->`));
  } else console.log(md);
}
