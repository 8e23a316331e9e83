// The `functions` field: `name(a, b) = expr`. Each body is validated once (its only names are its
// arguments) and later inlined at every call site by resolve.ts.
import { RESERVED, isMathFunction, SPECIAL_FORMS } from './builtins.js';
import { IssueCollector, SyntaxIssue } from './errors.js';
import { findAssign, splitStatements } from './lines.js';
import { parseExpr } from './parser.js';
import { resolveExpr, type UserFunction } from './resolve.js';

export function readFunctions(text: string, issues: IssueCollector): Map<string, UserFunction> {
  const statements = splitStatements('functions', text, issues, { semicolons: false, flags: false });
  const all = new Set(statements.map((s) => s.tokens[0].text));
  const done = new Map<string, UserFunction>();
  for (const st of statements) {
    const t = st.tokens;
    const at = findAssign(t);
    const head = at > 0 ? t.slice(0, at) : [];
    const params = head.slice(2, -1).filter((_, i) => i % 2 === 0);
    const wellFormed = at > 0 && t[at].text === '=' && head.length >= 3 && t[0].kind === 'name' && head[1].text === '(' &&
      head[head.length - 1].text === ')' && params.every((p) => p.kind === 'name') &&
      head.slice(2, -1).every((x, i) => (i % 2 === 0 ? x.kind === 'name' : x.text === ','));
    if (!wellFormed) {
      issues.report(st.span, t[0].text, `expected a function definition 'name(a, b) = expression'`);
      continue;
    }
    const name = t[0].text;
    const names = params.map((p) => p.text);
    if (isMathFunction(name) || SPECIAL_FORMS.has(name) || RESERVED.has(name) || name.startsWith('_')) {
      issues.report(t[0].span, name, `'${name}' is a built-in or reserved name and cannot be redefined`);
      continue;
    }
    if (done.has(name)) { issues.report(t[0].span, name, `function '${name}' is declared twice`); continue; }
    const dup = params.find((p, i) => names.indexOf(p.text) !== i);
    if (dup) { issues.report(dup.span, dup.text, `argument '${dup.text}' is repeated`); continue; }
    let body;
    try {
      body = parseExpr(t.slice(at + 1), st.end);
    } catch (e) {
      if (!(e instanceof SyntaxIssue)) throw e;
      issues.report(e.span, e.token, e.detail);
      continue;
    }
    const later = new Set([...all].filter((n) => n !== name && !done.has(n)));
    const resolved = resolveExpr(body, {
      isName: (n) => names.includes(n),
      expected: `an argument of '${name}'`,
      declared: names,
      functions: done,
      allowScoped: false,
      allowSum: false,
      notYet: { self: name, later },
    }, issues);
    done.set(name, { name, params: names, body: resolved });
  }
  return done;
}
