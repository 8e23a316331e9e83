// Precedence-climbing parser from tokens to Expr. Calls are kept generic here (`call` with any
// name); resolve.ts turns them into built-ins, ite, random draws, sum() or inlined functions.
import type { BinaryOp, Expr, Span } from './ast.js';
import { SyntaxIssue } from './errors.js';
import type { Token } from './lexer.js';

// Deep nesting would overflow the JS stack; refuse it as a syntax error instead.
const MAX_DEPTH = 64;

const BINARY: Record<string, { op: BinaryOp; prec: number; right?: boolean }> = {
  or: { op: 'or', prec: 1 },
  and: { op: 'and', prec: 2 },
  '<': { op: '<', prec: 4 }, '<=': { op: '<=', prec: 4 }, '>': { op: '>', prec: 4 },
  '>=': { op: '>=', prec: 4 }, '==': { op: '==', prec: 4 }, '!=': { op: '!=', prec: 4 },
  '+': { op: '+', prec: 5 }, '-': { op: '-', prec: 5 },
  '*': { op: '*', prec: 6 }, '/': { op: '/', prec: 6 }, '%': { op: '%', prec: 6 },
  '^': { op: '^', prec: 8, right: true }, '**': { op: '^', prec: 8, right: true },
};
const NOT_PREC = 3;
const UNARY_PREC = 7;
const KEYWORDS = new Set(['and', 'or', 'not']);
const BOOLEANS: Record<string, number> = { true: 1, True: 1, false: 0, False: 0 };

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[], private readonly end: Span) {}

  parseAll(): Expr {
    const e = this.expr(0);
    const t = this.tokens[this.pos];
    if (t) {
      const hint = t.text === ')' ? 'unbalanced parenthesis' : 'expected an operator or end of expression';
      throw new SyntaxIssue(t.span, t.text, `unexpected '${t.text}' — ${hint}`);
    }
    return e;
  }

  private peekOp(): string | undefined {
    const t = this.tokens[this.pos];
    if (!t) return undefined;
    if (t.kind === 'op' || (t.kind === 'name' && KEYWORDS.has(t.text))) return t.text;
    return undefined;
  }

  private expr(minPrec: number): Expr {
    if (++this.depth > MAX_DEPTH) {
      const t = this.tokens[this.pos];
      throw new SyntaxIssue(t?.span ?? this.end, t?.text ?? '', 'expression nested too deeply');
    }
    let left = this.prefix();
    let compared = false;
    for (;;) {
      const info = BINARY[this.peekOp() ?? ''];
      if (!info || info.prec < minPrec) break;
      const opTok = this.tokens[this.pos++];
      const right = this.expr(info.right ? info.prec : info.prec + 1);
      if (info.prec === 4 && compared) {
        throw new SyntaxIssue(opTok.span, opTok.text, 'chained comparisons are not allowed — combine them with and');
      }
      compared = info.prec === 4;
      left = { kind: 'binary', op: info.op, left, right, span: opTok.span };
    }
    this.depth--;
    return left;
  }

  private prefix(): Expr {
    const t = this.tokens[this.pos];
    if (!t) throw new SyntaxIssue(this.end, '', 'unexpected end of expression — expected a number, name or (');
    if (t.text === 'not' && t.kind === 'name') {
      this.pos++;
      return { kind: 'unary', op: 'not', arg: this.expr(NOT_PREC), span: t.span };
    }
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.pos++;
      return { kind: 'unary', op: t.text, arg: this.expr(UNARY_PREC), span: t.span };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.tokens[this.pos++];
    if (t.kind === 'number') return { kind: 'number', value: t.value as number, span: t.span };
    if (t.kind === 'deriv') return { kind: 'temp', name: 'deriv:' + t.text, span: t.span };
    if (t.kind === 'op' && t.text === '(') {
      const e = this.expr(0);
      this.expect(')', 'unbalanced parenthesis — expected )');
      return e;
    }
    if (t.kind === 'name' && !KEYWORDS.has(t.text)) {
      if (Object.hasOwn(BOOLEANS, t.text)) return { kind: 'number', value: BOOLEANS[t.text], span: t.span };
      const next = this.tokens[this.pos];
      if (next?.text === '(' && next.kind === 'op') return this.callArgs(t);
      if (next?.text === '.' && next.kind === 'op' && (t.text === 'pre' || t.text === 'post')) {
        this.pos++;
        const field = this.tokens[this.pos++];
        if (field?.kind !== 'name') throw new SyntaxIssue(field?.span ?? this.end, field?.text ?? '', `expected a name after '${t.text}.'`);
        return { kind: 'scoped', scope: t.text, name: field.text, span: t.span };
      }
      return { kind: 'ident', name: t.text, span: t.span };
    }
    throw new SyntaxIssue(t.span, t.text, `unexpected '${t.text}' — expected a number, name or (`);
  }

  private callArgs(name: Token): Expr {
    this.pos++;
    const args: Expr[] = [];
    if (this.tokens[this.pos]?.text !== ')') {
      for (;;) {
        args.push(this.expr(0));
        if (this.tokens[this.pos]?.text !== ',') break;
        this.pos++;
      }
    }
    this.expect(')', `unbalanced parenthesis in call to '${name.text}' — expected , or )`);
    return { kind: 'call', fn: name.text, args, span: name.span };
  }

  private expect(text: string, message: string): void {
    const t = this.tokens[this.pos];
    if (t?.text !== text || t.kind !== 'op') throw new SyntaxIssue(t?.span ?? this.end, t?.text ?? '', message);
    this.pos++;
  }
}

/** Parses a whole token list as one expression; `end` locates "unexpected end" errors. */
export function parseExpr(tokens: Token[], end: Span): Expr {
  if (tokens.length === 0) throw new SyntaxIssue(end, '', 'missing expression');
  return new Parser(tokens, end).parseAll();
}
