// Errors → what the CLI prints and its exit code (see engine/run/errors.ts), plus the
// command line's own usage errors.
import { CommanderError } from 'commander';
import { classifyRunError, type ClassifiedError as RunError, type ErrorKind as RunErrorKind } from '../engine/index.js';
import { ReportInputError } from '../report/errors.js';
import { QueryError } from '../results/views.js';
import { SweepOutputError } from '../sweeps/network-store.js';
import { SweepNotFoundError, TemporalServerError } from '../sweeps/server-errors.js';
import { FolderNotFoundError } from './sweep-folder.js';

/** A run's error kinds, plus the sweep commands': an unknown sweep id or folder, what the Temporal server refused, an output folder the submitter cannot write. */
export type ErrorKind = RunErrorKind | 'not-found' | 'server' | 'output';
export type ClassifiedError = Omit<RunError, 'kind'> & { kind: ErrorKind };

export function classifyError(error: unknown, specFile?: string): ClassifiedError {
  if (error instanceof CommanderError) return { kind: 'usage', message: error.message.replace(/^error: /, ''), exitCode: 2 };
  if (error instanceof SweepNotFoundError || error instanceof FolderNotFoundError) return { kind: 'not-found', message: error.message, exitCode: 2 };
  if (error instanceof TemporalServerError) return { kind: 'server', message: error.message, exitCode: 1 };
  if (error instanceof ReportInputError || error instanceof QueryError) return { kind: 'usage', message: error.message, exitCode: 2 };
  if (error instanceof SweepOutputError) return { kind: 'output', message: error.message, exitCode: 1 };
  return classifyRunError(error, specFile);
}

/** Prints an error for people on stderr (and as `{ error }` on stdout with --json); returns the exit code. */
export function reportError(error: unknown, opts: { json?: boolean; specFile?: string } = {}): number {
  const c = classifyError(error, opts.specFile);
  process.stderr.write(`spikesweep: ${c.message}\n`);
  if (opts.json) process.stdout.write(`${JSON.stringify({ error: { kind: c.kind, message: c.message } })}\n`);
  return c.exitCode;
}
