// What one session of a run holds while it goes: the built sim and its monitors, the phases, the
// files being written, the hashers, the records it adds and its stage timings. The driver makes
// it; the window loop, the commit of an interval and the finish read and update it.
import type { CompiledNetwork } from '../../backends/index.js';
import type { Sim } from '../../native/index.js';
import type { SimState } from '../../network/state/index.js';
import type { SessionWindows } from './batch-windows.js';
import type { MonitorPlan } from '../monitors.js';
import type { IsiStats } from '../isi-stats.js';
import type { SpikeHasher } from '../spike-hash.js';
import type { SessionFiles } from './layout.js';
import type { PlannedPhase } from './phases.js';
import type { CheckpointRecord, PartRecord, ResumeRecord, Resumed, Session } from './records.js';
import type { StageTimings } from './timings.js';

export interface LiveRun {
  readonly s: Session;
  readonly resumed: Resumed | null;
  readonly compiled: CompiledNetwork;
  readonly sim: Sim;
  /** Runs a window's steps: the sim's own run, or its batch's (batch-windows.ts). */
  readonly windows: SessionWindows;
  readonly plan: MonitorPlan;
  readonly phases: PlannedPhase[];
  /** The state right after build, for phases that reset; null when none does. */
  readonly initial: SimState | null;
  readonly files: SessionFiles;
  /** Every spike row of the run (a resumed run's hasher has replayed the committed parts). */
  readonly hasher: SpikeHasher;
  /** Each population's CV of ISI over the same rows. */
  readonly isi: IsiStats;
  /** The rows of the part being written: its digest is recorded when the part is committed. */
  partHasher: SpikeHasher;
  partStart: number;
  readonly parts: PartRecord[];
  readonly checkpoints: CheckpointRecord[];
  readonly resumes: ResumeRecord[];
  /** The checkpoint progress.json names; deleted once a newer one is committed. */
  lastCheckpoint: string | null;
  /** This session's stage timings; `before`: the earlier sessions' (zero for a fresh run). */
  readonly timings: StageTimings;
  readonly before: StageTimings;
}
