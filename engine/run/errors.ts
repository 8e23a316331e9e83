// Errors of a run: ResumeError, and the mapping of any error to a kind, a message for people and
// an exit code: 2 for bad input (the spec, the model, a run folder that cannot be resumed), 1 for
// everything else, 130 when interrupted. Shared by the CLI and the sweep runner (which retries only
// what is not bad input). Input errors never carry a stack.
import { NetworkBuildError } from '../../network/ir/ir.js';
import { CompileError } from '../../backends/index.js';
import { EquationErrors } from '../../network/equations/index.js';
import { formatPath, SpecError } from '../../network/spec/errors.js';
import { CheckpointError } from '../../network/state/index.js';

/** A resume that cannot go on: no progress.json, a part missing or changed, a bad duration… */
export class ResumeError extends Error {
  constructor(readonly outDir: string, message: string) {
    super(`cannot resume ${outDir}: ${message}`);
    this.name = 'ResumeError';
  }
}

export type ErrorKind = 'usage' | 'spec' | 'model' | 'equations' | 'compile' | 'checkpoint' | 'aborted' | 'internal';

export interface ClassifiedError {
  kind: ErrorKind;
  message: string;
  exitCode: number;
}

export function classifyRunError(error: unknown, specFile?: string): ClassifiedError {
  const where = specFile ?? 'the spec';
  if (error instanceof SpecError) return { kind: 'spec', message: error.message, exitCode: 2 };
  if (error instanceof NetworkBuildError) {
    const lines = error.issues.map((i) => `  ${where}: ${i.path.length ? `${formatPath(i.path)}: ` : ''}${i.message}`);
    return { kind: 'model', message: `invalid network (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, exitCode: 2 };
  }
  if (error instanceof EquationErrors) return { kind: 'equations', message: `${where}: ${error.message}`, exitCode: 2 };
  // A run that cannot be resumed (corrupted or mismatched checkpoint, missing or changed part,
  // no progress.json): bad input, and the folder was left as it was.
  if (error instanceof CheckpointError || error instanceof ResumeError) return { kind: 'checkpoint', message: error.message, exitCode: 2 };
  if (error instanceof CompileError) return { kind: 'compile', message: error.message, exitCode: 1 };
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'aborted', message: 'interrupted', exitCode: 130 };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error), exitCode: 1 };
}
