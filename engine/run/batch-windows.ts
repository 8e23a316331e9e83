// Where the copies of a batch meet for each window. Every copy runs the engine's ordinary run loop
// (driver.ts) on its own sim; its window's steps go through a WindowRunner. Alone, that is the
// sim's run. In a batch, a copy's window waits until every copy still running has asked for its
// window, then one run of the batch (Kernel.join, joined at the first window) runs them all —
// on the cuda backend one launch per kernel over every copy — and each copy goes on to drain its
// own monitors, apply its own phases and commit its own checkpoints.
import type { Kernel, RunOptions, RunResult, Sim, SimBatch } from '../../native/index.js';

/** Runs one window's steps of a copy's sim. */
export type WindowRunner = (sim: Sim, options: RunOptions) => Promise<RunResult>;

/** How a session runs its windows, and its place in a batch (recorded in the manifest; null alone). */
export interface SessionWindows {
  run: WindowRunner;
  batch: { copy: number; copies: number } | null;
}

export const ALONE: SessionWindows = { run: (sim, options) => sim.run(options), batch: null };

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
    return { run: this.run, batch: { copy, copies } };
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
    }).then((result) => { for (const w of waiting) w.resolve(result); }, (error: unknown) => { for (const w of waiting) w.reject(error); });
  }
}
