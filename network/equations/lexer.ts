// Turns one source line into tokens. The character set is closed: anything that is not a number,
// a name or one of the listed operators is a syntax error, so quotes, braces, backticks and the
// like can never travel further.
import type { Span } from './ast.js';
import { SyntaxIssue } from './errors.js';

export type TokenKind = 'number' | 'name' | 'op' | 'deriv';

export interface Token {
  kind: TokenKind;
  text: string;
  span: Span;
  /** Numeric value for `number` tokens. */
  value?: number;
}

// Longest operators first so `**` wins over `*`, `<=` over `<`.
const OPERATORS = ['**', '<=', '>=', '==', '!=', '+=', '-=', '*=', '/=', '+', '-', '*', '/', '^', '%', '<', '>', '(', ')', ',', '.', '=', ':', ';'];
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Tokenizes `text` (one line, comment already removed); `column0` is the 0-based column of text[0]. */
export function tokenize(text: string, field: string, line: number, column0 = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\r') { i++; continue; }
    const span = { field, line, column: column0 + i + 1 };
    const rest = text.slice(i);
    const n = NUMBER.exec(rest);
    if (n) {
      const value = Number(n[0]);
      if (!Number.isFinite(value)) throw new SyntaxIssue(span, n[0], `number '${n[0]}' is out of range`);
      if (NAME.test(rest.slice(n[0].length))) {
        const bad = n[0] + (NAME.exec(rest.slice(n[0].length)) as RegExpExecArray)[0];
        throw new SyntaxIssue(span, bad, `invalid number or name '${bad}'`);
      }
      tokens.push({ kind: 'number', text: n[0], span, value });
      i += n[0].length;
      continue;
    }
    const m = NAME.exec(rest);
    if (m) {
      tokens.push({ kind: 'name', text: m[0], span });
      i += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (!op) throw new SyntaxIssue(span, ch, `unexpected character '${ch}'`);
    tokens.push({ kind: 'op', text: op, span });
    i += op.length;
  }
  return tokens;
}

/** Splits tokens at top-level occurrences of the operator `sep` (not inside parentheses). */
export function splitTop(tokens: Token[], sep: string): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'op' && t.text === '(') depth++;
    if (t.kind === 'op' && t.text === ')') depth--;
    if (depth === 0 && t.kind === 'op' && t.text === sep) parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  return parts;
}
