// Every problem found in a model is collected as an Issue, then thrown together once, so a user
// fixes all mistakes in one round instead of one per run.
import type { Span } from './ast.js';

export type ModelKind = 'neuron' | 'synapse';

export interface EquationIssue {
  modelKind: ModelKind;
  model: string;
  field: string;
  line: number;
  column: number;
  /** The offending source text (token, name or flag). */
  token: string;
  /** What went wrong, without the location prefix. */
  message: string;
}

export function formatIssue(i: EquationIssue): string {
  return `${i.modelKind} '${i.model}', ${i.field} line ${i.line}, column ${i.column}: ${i.message}`;
}

export class EquationErrors extends Error {
  readonly issues: readonly EquationIssue[];
  constructor(issues: EquationIssue[]) {
    const head = `${issues.length} error${issues.length === 1 ? '' : 's'} in equations:`;
    super([head, ...issues.map((i) => '  ' + formatIssue(i))].join('\n'));
    this.name = 'EquationErrors';
    this.issues = issues;
  }
}

/** Collects issues for one model; stages report into it instead of throwing. */
export class IssueCollector {
  readonly issues: EquationIssue[] = [];
  constructor(readonly modelKind: ModelKind, readonly model: string) {}

  report(span: Span, token: string, message: string): void {
    this.issues.push({ modelKind: this.modelKind, model: this.model, field: span.field, line: span.line, column: span.column, token, message });
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new EquationErrors(this.issues);
  }
}

/** Raised inside the parser to abandon one statement; converted to an issue by the caller. */
export class SyntaxIssue extends Error {
  constructor(readonly span: Span, readonly token: string, readonly detail: string) {
    super(detail);
  }
}
