// Benchmark of `spikesweep report` (issue 20): the page of a 1 s CUBA 4k run; of a run with ~1M
// spikes (CUBA 4k at we = 2, wi = -6 for 25 s), whose HTML is also measured without the exact
// raster (--raster-cap 0); and of the 36-run example sweep (examples/cuba-sweep.yaml, run here on
// the embedded default unless SPIKESWEEP_BENCH_SWEEP_DIR names a finished one). Each report
// is one `spikesweep report` process: its wall time, peak RSS (GNU time) and the page's stages.
// Writes bench/results/report.json. Run: npm run bench:report   (build dist/ first: npm run build:ts)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describeBenchMachine } from './machine.js';

const dir = mkdtempSync(join(tmpdir(), 'spikesweep-report-bench-'));

function cli(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(process.execPath, ['bin/spikesweep.js', ...args], { env: { ...env, SPIKESWEEP_LOG_LEVEL: 'warn' }, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`spikesweep ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** One `spikesweep report --json` under GNU time: wall, peak RSS, the page's stage timings and HTML size. */
function measureReport(target: string, extra: string[] = []) {
  const out = join(dir, `report-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, 'bin/spikesweep.js', 'report', target, '--out', out, '--json', ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`spikesweep report ${target} failed:\n${r.stderr}`);
  const [wall, rssKb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as { html: string; figures: unknown[]; timings: Record<string, number> };
  const stagesMs = Object.fromEntries(Object.entries(report.timings).map(([k, v]) => [k, Math.round(v)]));
  return { wallS: wall, peakRssMiB: Math.round(rssKb / 1024), htmlBytes: statSync(report.html).size, figures: report.figures.length, stagesMs };
}

function cubaRun(name: string, durationMs: number, weights: { we: number; wi: number } | null): { dir: string; spikes: number } {
  const spec = parse(readFileSync('examples/cuba.yaml', 'utf8')) as { projections: { connector: { weights: number } }[] };
  if (weights) for (const p of spec.projections) p.connector.weights = p.connector.weights > 0 ? weights.we : weights.wi;
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const runDir = join(dir, name);
  const report = JSON.parse(cli(['run', file, '--duration', String(durationMs), '--out', runDir, '--json']).trim().split('\n').pop()!) as { populations: Record<string, { spikes: number }> };
  return { dir: runDir, spikes: Object.values(report.populations).reduce((n, p) => n + p.spikes, 0) };
}

// The example sweep on the embedded default (a local dev server and an in-process worker), as `npm start` runs it.
function exampleSweep(): string {
  if (process.env.SPIKESWEEP_BENCH_SWEEP_DIR) return process.env.SPIKESWEEP_BENCH_SWEEP_DIR;
  const { TEMPORAL_ADDRESS: _, ...env } = process.env;
  const result = JSON.parse(cli(['sweep', 'examples/cuba-sweep.yaml', '--out', join(dir, 'sweeps'), '--json'], env).trim().split('\n').pop()!) as { output: string };
  return result.output;
}

try {
  const cuba = cubaRun('cuba4k-1s', 1000, null);
  const million = cubaRun('cuba4k-1m-spikes', 25_000, { we: 2.0, wi: -6 });
  const sweepDir = exampleSweep();
  const results = {
    machine: await describeBenchMachine(),
    targets: { cuba4k1sWallS: 3, million: { wallS: 6, peakRssMiB: 500, htmlMiBWithoutExactRaster: 2 }, sweep36WallS: 3 },
    cuba4k1s: { spikes: cuba.spikes, ...measureReport(cuba.dir) },
    millionSpikes: { spikes: million.spikes, ...measureReport(million.dir), withoutExactRaster: measureReport(million.dir, ['--raster-cap', '0']) },
    sweep36: measureReport(sweepDir),
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/report.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
