// The contract of one simulation run: what the caller passes in and the report it gets back.
// The report is exactly what `spikesweep run --json` prints and what manifest.json embeds.
import type { Logger } from 'pino';
import type { BackendName, CudaMode, HostCompiler } from '../../backends/index.js';
import type { Phase } from '../../network/experiment/index.js';
import type { NetworkIR } from '../../network/ir/ir.js';
import type { NetworkSpec } from '../../network/spec/schema.js';

export interface RunNetworkOptions {
  spec: NetworkSpec;
  /** Where the spec came from; named in errors and recorded in the manifest. */
  specFile?: string;
  /**
   * Simulated time in ms. Without a protocol it defaults to spec.duration (an error when neither is
   * given); with one, to the protocol's total — a larger value is an error, a smaller one truncates.
   */
  durationMs?: number;
  /** Phases run in order (sessions); null or absent ⇒ one phase 'main' of durationMs. */
  protocol?: Phase[] | null;
  /**
   * Write the outputs in parts and a checkpoint every this many ms of simulated time (and at the
   * end), so the run can be continued with resumeRun. Absent ⇒ single files, no checkpoints.
   */
  checkpointEveryMs?: number;
  /**
   * Write a checkpoint at the run's last step too (default true), so that resumeRun can extend the
   * run later. A caller that discards the folder once the run is done (a sweep) skips it.
   */
  finalCheckpoint?: boolean;
  /** Defaults to spec.seed, else a random 32-bit seed drawn with crypto (recorded in the report). */
  seed?: number;
  /** Set when the caller drew `seed` at random itself (the CLI, to name the output folder); recorded. */
  seedDrawn?: boolean;
  /**
   * Defaults to spec.config.numThreads when above 1, else (on a backend that runs threads) the
   * user configuration's threads, else 1.
   */
  threads?: number;
  /** The backend that compiles and runs the network; default openmp. */
  backend?: BackendName;
  /** The cuda backend's mode: exact (default, the CPU's bits) or fast (statistically equivalent); only cuda takes fast. */
  cudaMode?: CudaMode;
  /** The cuda backend's GPU; defaults to the user configuration's cudaDevice, else 0. A CPU backend refuses it. */
  device?: number;
  /** Folder for spikes.parquet, state.parquet and manifest.json (created when missing). */
  outDir: string;
  /** Written into the run_id column; defaults to `<spec name>-<seed>`. */
  runId?: string;
  /** Compile options: cache folder (default ~/.cache/spikesweep/kernels), clean (recompile), the host compiler. */
  compile?: CompileSettings;
  /** Steps per simulation window; monitors are drained into the files after each. Default 1000. */
  windowSteps?: number;
  /** Called with the simulated and total time in ms, during and after each window. */
  onProgress?: (simulatedMs: number, totalMs: number) => void;
  /** Aborting stops the run at the next step boundary; runNetwork then rejects with the reason. */
  signal?: AbortSignal;
  /** Defaults to a silent logger. */
  logger?: Logger;
}

/** How a run compiles its kernel; the compiler overrides the spec's and the user configuration's. */
export interface CompileSettings {
  directory?: string;
  clean?: boolean;
  compiler?: HostCompiler;
  /** The spec's IR, when the caller already has it (a runner's runs of one sweep share theirs: backends/compile.ts). */
  ir?: NetworkIR;
}

/** Continuing a checkpointed run (written with checkpointEveryMs) in its output folder. */
export interface ResumeRunOptions {
  outDir: string;
  /** Total simulated time in ms (not the time left); defaults to the total the run was started with. */
  durationMs?: number;
  /**
   * Write a checkpoint at the run's last step too (default true), so that resumeRun can extend the
   * run later. A caller that discards the folder once the run is done (a sweep) skips it.
   */
  finalCheckpoint?: boolean;
  compile?: CompileSettings;
  onProgress?: (simulatedMs: number, totalMs: number) => void;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface PopulationReport {
  size: number;
  /** Spikes recorded; null when no monitor asks for this population's spikes. */
  spikes: number | null;
  /** spikes / (recorded neurons × recorded seconds); null when spikes are not recorded. */
  meanRateHz: number | null;
  /**
   * What the rate divides by: the neurons the population's spike monitors record together (the
   * union of their views), and the milliseconds recorded (phases that record, from the monitor's
   * start); null when spikes are not recorded. Absent in reports written before them.
   */
  recordedNeurons?: number | null;
  recordedMs?: number | null;
  /**
   * The mean over its neurons with ≥ 3 recorded spikes of their ISIs' CV (engine/isi-stats.ts);
   * null without such neurons or without recorded spikes. Absent in reports written before it.
   */
  cvIsi?: number | null;
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
  /** Writing checkpoints and committing them (progress.json); 0 for a run without checkpoints. */
  checkpoint: number;
}
// A resumed run reports the sum over its sessions (up to the checkpoint it resumed from).

export interface RunReport {
  runId: string;
  seed: number;
  threads: number;
  backend: BackendName;
  simulatedMs: number;
  structureHash: string;
  timings: RunTimings;
  compileCacheHit: boolean;
  populations: Record<string, PopulationReport>;
  /**
   * Absolute paths. Single layout: the spikes.parquet / state.parquet files; parts layout
   * (checkpointed runs): the spikes/ and state/ folders of part files (read `spikes/*.parquet`).
   */
  outputs: { spikes: string; state?: string; bold?: string; manifest: string };
  /** Canonical spike hash (engine/README.md) of every spike row of the run. */
  spikesSha256: string;
}
