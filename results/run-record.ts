// A run's summary.json (runs/run=<i>/summary.json): what runs.parquet is built from. The run
// activity writes it when the run commits (or recordRunOutcome when it failed for good).
import type { RunSummary, SweepBackend } from '../workflows/contract.js';

export interface RunRecord extends RunSummary {
  /** Axis/parameter name → value (runs.parquet columns). */
  values: Record<string, number>;
  seed: number | null;
  /** The backend the run ran on (its report's); absent in records written before it was recorded, and for failed runs. */
  backend?: SweepBackend;
  /** The `spikesweep run --json` report of the attempt that finished (null for failed runs). */
  report: {
    timings: Record<string, number>;
    /** cvIsi: absent in records written before runs reported it (runs.parquet then reads the run's spike parts). */
    populations: Record<string, { size: number; spikes: number | null; meanRateHz: number | null; cvIsi?: number | null }>;
    simulatedMs: number;
  } | null;
  /** Attempts cut short by a lost worker or runner process (they use none of the run's `attempts` budget); absent in records written before it was counted. */
  lostWorkers?: number;
  /** Wall time of the run in the attempt that committed it (its runner round trip, run and commit; within a group, this run alone), ms. */
  attemptMs?: number;
}
