// Splits a description field into statements: one per line (or per `;` where allowed), `#`
// comments and blank lines dropped, trailing ` : flag, flag` lists separated out.
import type { Span } from './ast.js';
import { IssueCollector, SyntaxIssue } from './errors.js';
import { splitTop, tokenize, type Token } from './lexer.js';

export interface Flag {
  /** `init`, `min`, `max` for valued flags; the joined text (`event-driven`) otherwise. */
  name: string;
  value?: Token[];
  span: Span;
}

export interface SourceStatement {
  tokens: Token[];
  flags: Flag[];
  /** Start of the statement, for errors about the statement as a whole. */
  span: Span;
  /** Position just past the statement's last token, for "unexpected end" errors. */
  end: Span;
}

export interface SplitOptions {
  semicolons: boolean;
  flags: boolean;
}

export function splitStatements(field: string, text: string, issues: IssueCollector, opts: SplitOptions): SourceStatement[] {
  const out: SourceStatement[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const hash = raw.indexOf('#');
    const code = hash >= 0 ? raw.slice(0, hash) : raw;
    let tokens: Token[];
    try {
      tokens = tokenize(code, field, line);
    } catch (e) {
      if (!(e instanceof SyntaxIssue)) throw e;
      issues.report(e.span, e.token, e.detail);
      return;
    }
    const end: Span = { field, line, column: code.trimEnd().length + 1 };
    const segments = opts.semicolons ? splitTop(tokens, ';') : [tokens];
    for (const seg of segments) {
      if (seg.length === 0) continue;
      const colon = opts.flags ? seg.findIndex((t) => t.kind === 'op' && t.text === ':') : -1;
      const body = colon >= 0 ? seg.slice(0, colon) : seg;
      const stmtEnd = colon >= 0 ? seg[colon].span : end;
      if (body.length === 0) {
        issues.report(seg[0].span, seg[0].text, 'missing statement before flags');
        continue;
      }
      const flags = colon >= 0 ? parseFlags(seg.slice(colon + 1), seg[colon].span, issues) : [];
      out.push({ tokens: body, flags, span: body[0].span, end: stmtEnd });
    }
  });
  return out;
}

function parseFlags(tokens: Token[], colon: Span, issues: IssueCollector): Flag[] {
  if (tokens.length === 0) {
    issues.report(colon, ':', 'expected flags after :');
    return [];
  }
  const flags: Flag[] = [];
  for (const group of splitTop(tokens, ',')) {
    if (group.length === 0) {
      issues.report(colon, ',', 'empty flag');
      continue;
    }
    const [first, second] = group;
    if (first.kind === 'name' && second?.kind === 'op' && second.text === '=') {
      flags.push({ name: first.text, value: group.slice(2), span: first.span });
    } else {
      flags.push({ name: group.map((t) => t.text).join(''), span: first.span });
    }
  }
  return flags;
}

/** Finds the top-level assignment operator of a statement (`=`, `+=`, …), or -1. */
export function findAssign(tokens: Token[]): number {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'op') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && ['=', '+=', '-=', '*=', '/='].includes(t.text)) return i;
  }
  return -1;
}
