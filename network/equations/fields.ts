// Readers for the single-expression fields (spike, psp, refractory) and the statement fields
// (reset, preSpike, postSpike). Names are checked by the caller's resolver.
import type { AssignOp, Expr, Statement } from './ast.js';
import { IssueCollector, SyntaxIssue } from './errors.js';
import { findAssign, splitStatements } from './lines.js';
import { parseExpr } from './parser.js';

function guard<T>(issues: IssueCollector, f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof SyntaxIssue)) throw e;
    issues.report(e.span, e.token, e.detail);
    return null;
  }
}

/** One expression, possibly spread over several lines; null when the field is empty. */
export function readExpressionField(field: string, text: string, issues: IssueCollector): Expr | null {
  const statements = splitStatements(field, text, issues, { semicolons: false, flags: false });
  if (statements.length === 0) return null;
  // Lines join into one expression, as a long condition may wrap.
  const tokens = statements.flatMap((s) => s.tokens);
  return guard(issues, () => parseExpr(tokens, statements[statements.length - 1].end));
}

export function readStatements(field: string, text: string, issues: IssueCollector): Statement[] {
  const out: Statement[] = [];
  for (const st of splitStatements(field, text, issues, { semicolons: true, flags: false })) {
    const at = findAssign(st.tokens);
    const lhs = at > 0 ? st.tokens.slice(0, at) : [];
    const [a, dot, b] = lhs;
    const plain = lhs.length === 1 && a.kind === 'name';
    const scoped = lhs.length === 3 && (a.text === 'pre' || a.text === 'post') && dot.text === '.' && b.kind === 'name';
    if (!plain && !scoped) {
      const t = lhs[0] ?? st.tokens[0];
      issues.report(t.span, t.text, `expected a statement 'x = …' (or +=, -=, *=, /=)`);
      continue;
    }
    const value = guard(issues, () => parseExpr(st.tokens.slice(at + 1), st.end));
    if (!value) continue;
    const target = scoped ? { scope: a.text as 'pre' | 'post', name: b.text } : { name: a.text };
    out.push({ kind: 'assign', target, op: st.tokens[at].text as AssignOp, value, span: a.span });
  }
  return out;
}
