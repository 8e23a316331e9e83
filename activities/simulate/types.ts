// The contract of one simulation run: what the caller passes in and the report it gets back.
// The report is exactly what `spikesweep run --json` prints and what manifest.json embeds.
import type { Logger } from 'pino';
import type { NetworkSpec } from '../../network/spec/schema.js';

export interface RunSimulationOptions {
  spec: NetworkSpec;
  /** Where the spec came from; named in errors and recorded in the manifest. */
  specFile?: string;
  /** Simulated time in ms; defaults to spec.duration (an error when neither is given). */
  durationMs?: number;
  /** Defaults to spec.seed, else a random 32-bit seed drawn with crypto (recorded in the report). */
  seed?: number;
  /** Set when the caller drew `seed` at random itself (the CLI, to name the output folder); recorded. */
  seedDrawn?: boolean;
  /** Defaults to spec.config.numThreads. */
  threads?: number;
  /** Folder for spikes.parquet, state.parquet and manifest.json (created when missing). */
  outDir: string;
  /** Written into the run_id column; defaults to `<spec name>-<seed>`. */
  runId?: string;
  /** Compile cache options: folder (default ~/.cache/spikesweep/kernels) and clean (recompile). */
  compile?: { directory?: string; clean?: boolean };
  /** Steps per simulation window; monitors are drained into the files after each. Default 1000. */
  windowSteps?: number;
  /** Called with the simulated and total time in ms, during and after each window. */
  onProgress?: (simulatedMs: number, totalMs: number) => void;
  /** Aborting stops the run at the next step boundary; runSimulation then rejects with the reason. */
  signal?: AbortSignal;
  /** Defaults to a silent logger. */
  logger?: Logger;
}

export interface PopulationReport {
  size: number;
  /** Spikes recorded; null when no monitor asks for this population's spikes. */
  spikes: number | null;
  /** spikes / (recorded neurons × recorded seconds); null when spikes are not recorded. */
  meanRateHz: number | null;
}

/** Milliseconds per phase. */
export interface RunTimings {
  codegen: number;
  compile: number;
  /** Creating the sim (connectivity, initial values) and attaching monitors. */
  build: number;
  /** Time inside the native run calls only. */
  simulate: number;
  /** Opening writers, draining monitors, hashing, writing Parquet, closing files, the manifest. */
  write: number;
}

export interface RunReport {
  runId: string;
  seed: number;
  threads: number;
  simulatedMs: number;
  structureHash: string;
  timings: RunTimings;
  compileCacheHit: boolean;
  populations: Record<string, PopulationReport>;
  /** Absolute paths. */
  outputs: { spikes: string; state?: string; manifest: string };
  /** Canonical spike hash (activities/output/README.md) of spikes.parquet. */
  spikesSha256: string;
}
