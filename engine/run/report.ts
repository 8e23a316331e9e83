// The RunReport: what `spikesweep run --json` prints and manifest.json embeds.
import { join } from 'node:path';
import type { IsiStats } from '../isi-stats.js';
import type { MonitorPlan } from '../monitors.js';
import type { LiveRun } from './live-run.js';
import type { PopulationReport, RunReport } from './options.js';
import type { PlannedPhase } from './phases.js';
import { ms, type StageTimings } from './timings.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** `total`: the stage timings of every session so far; `write` is reported as measured up to now. */
export function runReport(live: LiveRun, total: StageTimings, spikesSha256: string, has: { state: boolean; bold: boolean }): RunReport {
  const { s, compiled, files } = live;
  const dt = s.spec.dt;
  const outDir = s.outDir;
  return {
    runId: s.runId, seed: s.seed, threads: s.threads, backend: compiled.backend,
    simulatedMs: s.totalSteps * dt,
    structureHash: compiled.ir.structureHash,
    timings: { codegen: ms(total.codegen), compile: ms(total.compile), build: ms(total.build), simulate: ms(total.simulate), write: ms(total.write), checkpoint: ms(total.checkpoint) },
    compileCacheHit: compiled.cacheHit,
    // A BOLD monitor's unit is not a population of the spec: its samples are in the bold output.
    populations: populationReports(compiled.ir.populations.filter((p) => !p.bold), live.plan, live.phases, dt, live.isi),
    outputs: files.layout === 'single'
      ? { spikes: join(outDir, 'spikes.parquet'), ...(has.state ? { state: join(outDir, 'state.parquet') } : {}), ...(has.bold ? { bold: join(outDir, 'bold.parquet') } : {}), manifest: files.manifestPath }
      : { spikes: join(outDir, 'spikes'), ...(has.state ? { state: join(outDir, 'state') } : {}), ...(has.bold ? { bold: join(outDir, 'bold') } : {}), manifest: files.manifestPath },
    spikesSha256,
  };
}

/** Rates over the recorded time: the phases that record, from the monitor's start. */
function populationReports(populations: { name: string; size: number }[], plan: MonitorPlan, phases: PlannedPhase[], dt: number, isi: IsiStats): Record<string, PopulationReport> {
  const out: Record<string, PopulationReport> = {};
  for (const p of populations) {
    const s = plan.spikes.find((x) => x.population === p.name);
    const steps = s ? sum(phases.filter((ph) => ph.record).map((ph) => Math.max(0, ph.endStep - Math.max(ph.startStep, s.startStep)))) : 0;
    const seconds = (steps * dt) / 1000;
    out[p.name] = {
      size: p.size,
      spikes: s ? s.spikes : null,
      meanRateHz: s && seconds > 0 && s.recordedNeurons > 0 ? s.spikes / (s.recordedNeurons * seconds) : null,
      recordedNeurons: s ? s.recordedNeurons : null,
      recordedMs: s ? steps * dt : null,
      cvIsi: s ? isi.cv(p.name) : null,
    };
  }
  return out;
}
