// A run's failure budget, kept in its work folder (`.work/run=<i>/attempts.json`) so that it
// survives the worker: how many attempts the run failed by itself, and how many were cut short
// by a lost worker. An attempt marks itself started before it runs; an attempt that finds the
// mark of one that never reached a verdict knows that one's worker was lost (heartbeat timeout,
// SIGKILL, node drain), which costs the run nothing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeManifest } from '../../engine/index.js';

export interface RunBudget {
  /** Attempts that failed by the run's own doing (an error, a native crash). */
  failures: number;
  /** Attempts whose worker or runner process was lost mid-run. */
  lostWorkers: number;
  /** An attempt is running (or was, until its worker was lost). */
  started: boolean;
}

const budgetPath = (work: string) => join(work, 'attempts.json');

async function read(work: string): Promise<RunBudget> {
  const fresh = { failures: 0, lostWorkers: 0, started: false };
  try {
    return JSON.parse(await readFile(budgetPath(work), 'utf8')) as RunBudget;
  } catch (e) {
    // An empty file is what a power loss can leave of an unsynced write (below).
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof SyntaxError) return fresh;
    throw e;
  }
}

// Atomically (temp + rename, as summary.json): a worker SIGKILLed mid-write must not leave a torn
// file that every later attempt fails to read. Not fsynced: a count lost with the machine's power
// only gives the run its budget back.
const write = (work: string, budget: RunBudget) => writeManifest(budgetPath(work), budget, { durable: false });

/** Starts an attempt: counts a predecessor that never reached a verdict as a lost worker. The work folder must exist. */
export async function startAttempt(work: string): Promise<RunBudget> {
  const previous = await read(work);
  const budget = { ...previous, lostWorkers: previous.lostWorkers + (previous.started ? 1 : 0), started: true };
  await write(work, budget);
  return budget;
}

/** The attempt failed by the run's own doing: one attempt of the budget used. */
export async function failAttempt(work: string, budget: RunBudget): Promise<RunBudget> {
  const next = { ...budget, failures: budget.failures + 1, started: false };
  await write(work, next);
  return next;
}
