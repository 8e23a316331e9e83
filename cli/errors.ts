// Errors → what the CLI prints and its exit code (see activities/simulate/errors.ts), plus the
// command line's own usage errors.
import { CommanderError } from 'commander';
import { classifyRunError, type ClassifiedError } from '../activities/simulate/errors.js';

export type { ClassifiedError, ErrorKind } from '../activities/simulate/errors.js';

export function classifyError(error: unknown, specFile?: string): ClassifiedError {
  if (error instanceof CommanderError) return { kind: 'usage', message: error.message.replace(/^error: /, ''), exitCode: 2 };
  return classifyRunError(error, specFile);
}
