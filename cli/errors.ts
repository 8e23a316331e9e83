// Errors → what the CLI prints and its exit code (see engine/run/errors.ts), plus the
// command line's own usage errors.
import { CommanderError } from 'commander';
import { classifyRunError, type ClassifiedError } from '../engine/index.js';

export type { ClassifiedError, ErrorKind } from '../engine/index.js';

export function classifyError(error: unknown, specFile?: string): ClassifiedError {
  if (error instanceof CommanderError) return { kind: 'usage', message: error.message.replace(/^error: /, ''), exitCode: 2 };
  return classifyRunError(error, specFile);
}

/** Prints an error for people on stderr (and as `{ error }` on stdout with --json); returns the exit code. */
export function reportError(error: unknown, opts: { json?: boolean; specFile?: string } = {}): number {
  const c = classifyError(error, opts.specFile);
  process.stderr.write(`spikesweep: ${c.message}\n`);
  if (opts.json) process.stdout.write(`${JSON.stringify({ error: { kind: c.kind, message: c.message } })}\n`);
  return c.exitCode;
}
