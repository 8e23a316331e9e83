// What the CLI, the workflows, the activities and the worker agree on: task queues, workflow and
// activity inputs and outputs, signals, queries and updates, search attributes. Plain types and
// Temporal definitions only — safe to import from the workflow sandbox.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { BackendName } from '../backends/types.js';
import type { NetworkSpec } from '../network/spec/schema.js';
import type { SweepPlan } from './plan/types.js';

export const TASK_QUEUES = { cpu: 'spikesweep-cpu', gpu: 'spikesweep-gpu' } as const;
export type QueueKind = keyof typeof TASK_QUEUES;

/** The backends a sweep may name: the engine's, and cuda (run by GPU workers). */
export type SweepBackend = BackendName | 'cuda';

/** cuda runs on the gpu queue, every other backend on the cpu queue. */
export function queueOf(backend: SweepBackend): QueueKind {
  return backend === 'cuda' ? 'gpu' : 'cpu';
}

/** Everything a sweep needs; small (a plan and the network spec's hash, never data). */
export interface SweepInput {
  sweepId: string;
  name: string;
  /** SHA-256 of the canonical sweep definition (network, protocol, plan, duration, recording). */
  specHash: string;
  /**
   * SHA-256 of the network spec stored in the dataset folder (results/network-spec.ts), which
   * the activities read it from; absent in histories recorded before, which carry `network`.
   */
  networkSha256?: string;
  /** The network spec inline, as histories recorded before `networkSha256` carry it. */
  network?: NetworkSpec;
  /** Sessions/phases (network/experiment) or null for one phase of `durationMs`. */
  protocol: unknown[] | null;
  durationMs: number;
  plan: SweepPlan;
  /** Picks the task queue (queueOf) and reaches every run (RunInput.backend). */
  backend: SweepBackend;
  /** The cuda backend's fast mode (float atomics, fast math); absent: exact. */
  cudaMode?: 'fast';
  threads: number;
  maxConcurrent: number;
  /** Dataset root: results land in `<output>/<sweepId>/`. */
  output: string;
  checkpointEveryMs: number;
}

/** One run as the run activity receives it. */
export interface RunInput {
  sweepId: string;
  output: string;
  runIndex: number;
  /** Axis/parameter name → value (runs.parquet columns). */
  values: Record<string, number>;
  /** Parameter path → value, as the plan drew it (applied to the network). */
  params: Record<string, number>;
  seed: number;
  /** As in SweepInput: the stored spec's hash, or (recorded before it) the spec inline. */
  networkSha256?: string;
  network?: NetworkSpec;
  protocol: unknown[] | null;
  durationMs: number;
  threads: number;
  checkpointEveryMs: number;
  /** The backend that compiles and runs the network; absent in histories recorded before runs carried it: openmp. */
  backend?: SweepBackend;
  cudaMode?: 'fast';
}

/** What a finished run reports back (the run's rows are on disk, never in history). */
export interface RunSummary {
  runIndex: number;
  status: 'completed' | 'failed' | 'cancelled';
  attempts: number;
  /** Simulated time (ms) the last attempt resumed from; 0 when it started from scratch. */
  resumedFromMs: number;
  spikesSha256: string | null;
  error: string | null;
}

/** Attempts a run may fail by itself (an error or a native crash) before it is recorded failed; a lost worker uses none. */
export const RUN_ATTEMPTS = 3;

/** A run group: the contiguous runs [from, to) of a sweep, run one after another by one activity. */
export interface GroupInput {
  sweep: SweepInput;
  from: number;
  to: number;
}

/** What a group reports back: counts, and the wall time per run it ran (sizes the next groups). */
export interface GroupResult {
  completed: number;
  failed: number;
  /** Runs this attempt ran (committed runs skipped on a retry are not counted), and their mean wall time (kernel compiles left out). */
  ran: number;
  msPerRun: number;
  /** Its runs by parameter point (the sweep's live details); absent in histories recorded before groups reported it. */
  points?: PointProgress;
}

/** Mean rates of one population summed over runs, to be divided by `runs` (runs that recorded it). */
export interface RateSum {
  sumHz: number;
  runs: number;
}

/** Finished runs of a parameter point: counts, and the mean rate sums of its populations. */
export interface PointTally {
  completed: number;
  failed: number;
  rates: Record<string, RateSum>;
}

/**
 * Finished runs by parameter point, bounded whatever the sweep's size (workflows/point-progress.ts):
 * a tally for each of the first points (keyed by point index), and the rate sums of all runs.
 */
export interface PointProgress {
  points: Record<string, PointTally>;
  rates: Record<string, RateSum>;
}

/** What an attempt heartbeats: enough for the next attempt to resume. */
export interface RunHeartbeat {
  /** The run in progress (a group's heartbeats name the run they are about); absent in histories recorded before run groups. */
  runIndex?: number;
  stepsDone: number;
  totalSteps: number;
  /** Output directory holding the latest complete checkpoint (progress.json), or null. */
  checkpointDir: string | null;
  checkpointStep: number;
  /** A batch's runs (activities/sweep/gpu-batches.ts) that have a complete checkpoint: a retried batch resumes each alone. */
  checkpoints?: { runIndex: number; step: number }[];
}

export interface SweepProgress {
  sweepId: string;
  /** `finalizing`: the runs are over and finalizeSweep writes runs.parquet and the manifest; `completed` and `cancelled` once it has. */
  status: 'running' | 'cancelling' | 'finalizing' | 'cancelled' | 'completed' | 'failed';
  total: number;
  completed: number;
  failed: number;
  running: number;
}

export const progressQuery = defineQuery<SweepProgress>('progress');
export const cancelUpdate = defineUpdate<SweepProgress>('cancel');
export const cancelSignal = defineSignal('cancel');
/**
 * Batches report finished runs to their sweep in chunks (bounded history). Overlapping batches
 * name themselves (`batch`: the batch's workflow id), so the sweep sums `running` over the batches alive.
 * Batches started with the `run-details` patch add the reported runs by parameter point (`points`).
 */
export const runsFinishedSignal = defineSignal<[{ completed: number; failed: number; running: number; batch?: string; points?: PointProgress }]>('runsFinished');

// Overlapping batches share the sweep's maxConcurrent slots. A slot is held by one batch at a
// time and moves only by these signals, so the activities in flight never exceed maxConcurrent.
/** Batch → sweep: it dispatched its last group; `slots` it holds but no longer needs go to the next batch. */
export const batchDrainingSignal = defineSignal<[{ batch: string; slots: number }]>('batchDraining');
/** Sweep → draining batch: hand the slots your groups free to this batch (null: no batch follows in this execution). */
export const successorSignal = defineSignal<[{ batch: string | null }]>('successor');
/** Batch → batch: slots handed on by a draining batch to the one still dispatching. */
export const slotsHandedSignal = defineSignal<[{ slots: number }]>('slotsHanded');

export const searchAttributes = {
  sweepId: defineSearchAttributeKey('SpikesweepSweepId', 'KEYWORD'),
  sweepName: defineSearchAttributeKey('SpikesweepSweepName', 'KEYWORD'),
  status: defineSearchAttributeKey('SpikesweepStatus', 'KEYWORD'),
  runsDone: defineSearchAttributeKey('SpikesweepRunsDone', 'INT'),
  runsFailed: defineSearchAttributeKey('SpikesweepRunsFailed', 'INT'),
} as const;
