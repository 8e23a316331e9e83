// The run manifest (provenance: the report, spec, seeds, files, kernel, versions, host, timings,
// checkpoints and resumes; engine/run/README.md lists its fields) and how JSON files of a run are
// published: atomically, so a reader never sees half a file and a crash leaves only a dot-named
// temp file.
import os from 'node:os';
import type { WriteResult } from '../parquet/parquet-sink.js';
import { writeFileAtomic } from '../atomic-write.js';
import type { LiveRun } from './live-run.js';
import type { RunReport } from './options.js';
import { ms, roundTimings, timed, type StageTimings } from './timings.js';
import { describeVersions } from './versions.js';

export interface HostInfo {
  hostname: string;
  platform: NodeJS.Platform;
  arch: string;
  cpuModel: string;
  cpus: number;
  totalMemoryBytes: number;
  node: string;
}

export async function writeManifest(path: string, manifest: object, options: { durable?: boolean } = {}): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`, options);
}

let host: HostInfo | undefined;

/** The machine, read once per process: os.cpus() reads a file per core, and a runner writes a manifest per run. */
export function describeHost(): HostInfo {
  if (host) return host;
  const cpus = os.cpus();
  host = {
    hostname: os.hostname(),
    platform: os.platform(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    totalMemoryBytes: os.totalmem(),
    node: process.version,
  };
  return host;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Rows and bytes of the run's files: the single files, or every part's and their sums. */
export function manifestFiles(live: LiveRun, single: { spikes: WriteResult; state: WriteResult | null; bold: WriteResult | null } | null): object {
  if (single) return { spikes: single.spikes, ...(single.state ? { state: single.state } : {}), ...(single.bold ? { bold: single.bold } : {}) };
  const { parts } = live;
  const dt = live.s.spec.dt;
  const stateParts = parts.filter((p) => p.state);
  const boldParts = parts.filter((p) => p.bold);
  return {
    spikes: {
      rows: sum(parts.map((p) => p.spikes.rows)), bytes: sum(parts.map((p) => p.spikes.bytes)),
      parts: parts.map((p) => ({ path: p.spikes.path, fromMs: p.fromStep * dt, toMs: p.toStep * dt, rows: p.spikes.rows, bytes: p.spikes.bytes, sha256: p.spikes.sha256 })),
    },
    ...(stateParts.length > 0 ? {
      state: {
        rows: sum(parts.map((p) => p.state?.rows ?? 0)), bytes: sum(parts.map((p) => p.state?.bytes ?? 0)),
        parts: stateParts.map((p) => ({ path: p.state!.path, fromMs: p.fromStep * dt, toMs: p.toStep * dt, rows: p.state!.rows, bytes: p.state!.bytes })),
      },
    } : {}),
    ...(boldParts.length > 0 ? {
      bold: {
        rows: sum(boldParts.map((p) => p.bold!.rows)), bytes: sum(boldParts.map((p) => p.bold!.bytes)),
        parts: boldParts.map((p) => ({ path: p.bold!.path, fromMs: p.fromStep * dt, toMs: p.toStep * dt, rows: p.bold!.rows, bytes: p.bold!.bytes })),
      },
    } : {}),
  };
}

/** The manifest of a finished run; the time spent making it counts as this session's `write`. */
export async function runManifest(live: LiveRun, report: RunReport, total: StageTimings, files: object, sessionStarted: number): Promise<object> {
  const { s, compiled } = live;
  const dt = s.spec.dt;
  const versions = await timed(live.timings, 'write', () => describeVersions(compiled.toolchain.compilerVersion));
  const drawsProportions = s.protocol?.some((p) => p.set.some((a) => 'proportion' in a && a.proportion !== undefined));
  return {
    report,
    specFile: s.specFile, spec: s.spec, protocol: s.protocol,
    seeds: { seed: s.seed, seedDrawn: s.seedDrawn, connectivity: s.seed, proportionSelection: drawsProportions ? `seedrandom("${s.seed}:<phase>:<population>")` : null },
    seedDrawn: s.seedDrawn, dt, steps: s.totalSteps, threads: s.threads, device: s.device ?? null, batch: live.windows.batch,
    phases: live.phases.map((p) => ({ name: p.name, startMs: p.startStep * dt, endMs: p.endStep * dt, record: p.record })),
    layout: live.files.layout,
    files,
    kernel: {
      library: compiled.library, cacheKey: compiled.key,
      backend: compiled.backend, cudaMode: compiled.cudaMode, compiler: { command: compiled.toolchain.compiler, version: compiled.toolchain.compilerVersion, flags: compiled.toolchain.flags, alwaysAdded: compiled.toolchain.requiredFlags },
    },
    versions,
    host: describeHost(),
    timings: {
      total: roundTimings(total),
      thisSession: roundTimings(live.timings),
      sessionWallMs: ms(performance.now() - sessionStarted),
    },
    checkpointEveryMs: s.checkpointEverySteps === null ? null : s.checkpointEverySteps * dt,
    checkpoints: live.checkpoints,
    resumes: live.resumes,
    startedAt: live.resumed?.context.startedAt ?? null,
    createdAt: new Date().toISOString(),
  };
}
