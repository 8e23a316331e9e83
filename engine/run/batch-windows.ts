// Where the copies of a batch meet for each window. Every copy runs the engine's ordinary run loop
// (driver.ts) on its own sim; its window's steps go through a WindowRunner. Alone, that is the
// sim's run. In a batch, a copy's window waits until every copy still running has asked for its
// window, then one run of the batch (Kernel.join, joined at the first window) runs them all —
// on the cuda backend one launch per kernel over every copy — and each copy goes on to drain its
// own monitors, apply its own phases and commit its own checkpoints. Copies built after the first
// read its read-only arrays where they agree (#built).
import type { Kernel, RunOptions, RunResult, Sim, SimBatch } from '../../native/index.js';

/** Runs one window's steps of a copy's sim. */
export type WindowRunner = (sim: Sim, options: RunOptions) => Promise<RunResult>;

/** A copy's place in its batch, recorded in its manifest. */
export interface BatchPlace {
  copy: number;
  copies: number;
  /** Bytes of read-only arrays (connectivity) this copy reads from another copy of the batch, holding none of its own (Kernel.share). */
  sharedBytes: number;
  /** Whether the batch ran its windows resident: the cuda backend's resident schedule, a block per copy (backends/README.md). */
  resident: boolean;
}

/** How a session runs its windows, and its place in a batch (null alone). */
export interface SessionWindows {
  run: WindowRunner;
  /** The session's sim is built, before its first window. */
  built(sim: Sim): void;
  batch: BatchPlace | null;
}

export const ALONE: SessionWindows = { run: (sim, options) => sim.run(options), built: () => undefined, batch: null };

interface Waiting {
  sim: Sim;
  options: RunOptions;
  resolve: (result: RunResult) => void;
  reject: (error: unknown) => void;
}

export class BatchWindows {
  readonly #kernel: Kernel;
  readonly #signal: AbortSignal | undefined;
  #running: number;
  #waiting: Waiting[] = [];
  #batch: SimBatch | null = null;
  #first: Sim | null = null;
  #places: BatchPlace[] = [];

  /** `copies` copies will run windows, each leaving once its run has ended, however it ended. */
  constructor(kernel: Kernel, copies: number, signal: AbortSignal | undefined) {
    this.#kernel = kernel;
    this.#running = copies;
    this.#signal = signal;
  }

  readonly run: WindowRunner = (sim, options) => new Promise((resolve, reject) => {
    this.#waiting.push({ sim, options, resolve, reject });
    this.#runWhenAllWait();
  });

  /** A copy's run has ended: the others no longer wait for it (a batch keeps stepping its sim, unread). */
  leave(): void {
    this.#running -= 1;
    this.#runWhenAllWait();
  }

  /** Copy `copy`'s windows. */
  of(copy: number, copies: number): SessionWindows {
    const batch: BatchPlace = { copy, copies, sharedBytes: 0, resident: false };
    this.#places.push(batch);
    return { run: this.run, built: (sim) => this.#built(sim, batch), batch };
  }

  // The first copy built keeps its arrays; each one built after it reads that copy's read-only
  // arrays where they agree (the cuda backend: a connectivity that draws nothing from the seed),
  // its own freed before the next copy is built, so a batch never holds them many times over.
  #built(sim: Sim, batch: BatchPlace): void {
    if (this.#first === null || this.#first.destroyed) {
      this.#first = sim;
      return;
    }
    batch.sharedBytes = this.#kernel.share(sim, this.#first);
  }

  /** Frees the batch; the copies' sims are their runs'. */
  destroy(): void {
    this.#batch?.destroy();
    this.#batch = null;
  }

  #runWhenAllWait(): void {
    if (this.#waiting.length === 0 || this.#waiting.length < this.#running) return;
    const waiting = this.#waiting;
    this.#waiting = [];
    const steps = waiting[0].options.steps;
    const other = waiting.find((w) => w.options.steps !== steps);
    if (other) {
      const error = new Error(`the copies of a batch run the same windows, but one asked for ${steps} steps and another for ${other.options.steps}`);
      for (const w of waiting) w.reject(error);
      return;
    }
    try {
      this.#batch ??= this.#kernel.join(waiting.map((w) => w.sim));
    } catch (error) {
      for (const w of waiting) w.reject(error);
      return;
    }
    const progress = waiting.map((w) => w.options.onProgress).filter((f) => f !== undefined);
    this.#batch.run({
      steps,
      signal: this.#signal,
      progressEvery: waiting[0].options.progressEvery,
      onProgress: progress.length ? (n) => { for (const f of progress) f(n); } : undefined,
    }).then((result) => {
      for (const place of this.#places) place.resident = result.resident;
      for (const w of waiting) w.resolve(result);
    }, (error: unknown) => { for (const w of waiting) w.reject(error); });
  }
}
