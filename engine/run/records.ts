// The records a run keeps about itself: committed parts, checkpoints and resumes, the context a
// checkpoint carries, and the session a run (fresh or resumed) executes.
import type { Logger } from 'pino';
import type { BackendName, CompiledNetwork, CudaMode } from '../../backends/index.js';
import type { Phase } from '../../network/experiment/index.js';
import type { NetworkSpec } from '../../network/spec/schema.js';
import type { SimState } from '../../network/state/index.js';
import type { IsiStats } from '../isi-stats.js';
import type { SpikeHasher } from '../spike-hash.js';
import type { Progress } from './layout.js';
import type { CompileSettings } from './options.js';
import type { StageTimings } from './timings.js';

export interface PartRecord {
  index: number;
  fromStep: number;
  toStep: number;
  spikes: { path: string; rows: number; bytes: number; sha256: string };
  state: { path: string; rows: number; bytes: number } | null;
  /** Absent in checkpoints written before BOLD monitors. */
  bold?: { path: string; rows: number; bytes: number } | null;
}

/** The files of a committed part, in the order progress.json lists them. */
export const partFiles = (p: PartRecord): string[] => [p.spikes.path, ...(p.state ? [p.state.path] : []), ...(p.bold ? [p.bold.path] : [])];
export interface CheckpointRecord { step: number; tMs: number; path: string; bytes: number; writeMs: number }
export interface ResumeRecord { fromStep: number; fromMs: number; at: string; restoreMs: number; replayMs: number }

/** What defines a run, whether started fresh or resumed. */
interface RunDefinition {
  spec: NetworkSpec;
  specFile: string | null;
  protocol: Phase[] | null;
  seed: number;
  seedDrawn: boolean;
  threads: number;
  /** Absent in checkpoints written before backends existed: openmp. */
  backend?: BackendName;
  /** Absent: exact (the cuda backend's default; the CPU backends have no other). */
  cudaMode?: CudaMode;
  /** The cuda backend's GPU; absent on the CPU backends (and in checkpoints written before it was recorded: 0). */
  device?: number;
  runId: string;
  windowSteps: number;
}

/** What a checkpoint's `context` holds: everything a resume needs besides the sim's arrays. */
export interface RunContext extends RunDefinition {
  kind: 'spikesweep-run';
  version: 1;
  checkpointEverySteps: number;
  /** The total the run was asked for when this checkpoint was written. */
  totalSteps: number;
  /** Where the protocol stands at the checkpoint (the next step belongs to this phase). */
  phaseIndex: number;
  phaseStepsDone: number;
  spikeCounts: Record<string, number>;
  parts: PartRecord[];
  checkpoints: CheckpointRecord[];
  resumes: ResumeRecord[];
  /** Stage timings summed over the sessions up to the checkpoint. */
  timings: StageTimings;
  startedAt: string;
}

/** Everything fixed for a run, resolved from the options (fresh run) or a checkpoint (resume). */
export interface Session extends RunDefinition {
  checkpointEverySteps: number | null;
  /** Whether the last step gets a checkpoint (RunNetworkOptions.finalCheckpoint). */
  finalCheckpoint: boolean;
  totalSteps: number;
  outDir: string;
  compile: CompileSettings;
  onProgress?: (simulatedMs: number, totalMs: number) => void;
  signal?: AbortSignal;
  log: Logger;
}

/** Where a resumed session starts. */
export interface Resumed {
  context: RunContext;
  state: SimState;
  progress: Progress;
  checkpointRecord: CheckpointRecord;
  hasher: SpikeHasher;
  isi: IsiStats;
  resume: ResumeRecord;
  compiled: CompiledNetwork;
  garbage: string[];
}

