// Reads the `parameters` and `equations` fields into declarations. Expressions stay unresolved
// here: names can only be checked once every declaration of the model is known.
import { bin, children, neg, type Expr, type Span } from './ast.js';
import { RESERVED } from './builtins.js';
import { IssueCollector, SyntaxIssue } from './errors.js';
import { evaluate } from './evaluate.js';
import type { Token } from './lexer.js';
import { linearIn } from './linear.js';
import { findAssign, splitStatements, type Flag, type SourceStatement } from './lines.js';
import { parseExpr } from './parser.js';
import { METHODS, type Method, type ValueType } from './types.js';
import type { ModelKind } from './errors.js';

export interface ParameterDecl { name: string; value: number; shared: boolean; type: ValueType; span: Span }
export interface VariableDecl {
  name: string; ode: boolean; rhs: Expr; init: number; min?: Expr; max?: Expr;
  method: Method; eventDriven: boolean; shared: boolean; type: ValueType; span: Span;
}

interface FlagContext { kind: ModelKind; what: 'parameter' | 'ode' | 'assignment'; defaultMethod: Method }
interface FlagValues { shared: boolean; type: ValueType; method: Method; eventDriven: boolean; init: number; min?: Expr; max?: Expr }

const WORD_FLAGS = ['population', 'projection', 'int', 'bool', 'float', 'event-driven', ...METHODS];
const KNOWN_FLAGS = `init, min, max, ${WORD_FLAGS.join(', ')}`;

function parseTokens(tokens: Token[], end: Span, issues: IssueCollector): Expr | null {
  try {
    return parseExpr(tokens, end);
  } catch (e) {
    if (!(e instanceof SyntaxIssue)) throw e;
    issues.report(e.span, e.token, e.detail);
    return null;
  }
}

/** Value of an expression made only of numbers, operators and math functions; null otherwise. */
export function numberValue(e: Expr): number | null {
  const pure = (n: Expr): boolean =>
    (n.kind === 'number' || n.kind === 'unary' || n.kind === 'binary' || n.kind === 'call') && children(n).every(pure);
  if (!pure(e)) return null;
  try {
    const v = evaluate(e, { vars: {} });
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function readFlags(flags: Flag[], ctx: FlagContext, issues: IssueCollector): FlagValues {
  const out: FlagValues = { shared: false, type: 'float', method: ctx.defaultMethod, eventDriven: false, init: 0 };
  for (const f of flags) {
    const notHere = (why: string) => issues.report(f.span, f.name, `flag '${f.name}' ${why}`);
    if (f.value !== undefined) {
      if (!['init', 'min', 'max'].includes(f.name)) { issues.report(f.span, f.name, `unknown flag '${f.name}' — expected one of ${KNOWN_FLAGS}`); continue; }
      if (ctx.what === 'parameter') { notHere('is not allowed on a parameter'); continue; }
      const end = f.value.length > 0 ? f.value[f.value.length - 1].span : f.span;
      const e = parseTokens(f.value, end, issues);
      if (!e) continue;
      if (f.name === 'init') {
        const v = numberValue(e);
        if (v === null) issues.report(f.value[0].span, f.name, `init must be a number expression (e.g. init = -60.0)`);
        else out.init = v;
      } else out[f.name as 'min' | 'max'] = e;
      continue;
    }
    if (f.name === 'population' || f.name === 'projection') out.shared = true;
    else if (f.name === 'int' || f.name === 'bool' || f.name === 'float') out.type = f.name;
    else if (f.name === 'event-driven') {
      if (ctx.kind !== 'synapse') notHere('is only allowed in synapses');
      else if (ctx.what !== 'ode') notHere('is only allowed on ODEs');
      else out.eventDriven = true;
    } else if ((METHODS as readonly string[]).includes(f.name)) {
      if (ctx.what !== 'ode') notHere('(a numerical method) is only allowed on ODEs');
      else out.method = f.name as Method;
    } else issues.report(f.span, f.name, `unknown flag '${f.name}' — expected one of ${KNOWN_FLAGS}`);
  }
  const [min, max] = [out.min && numberValue(out.min), out.max && numberValue(out.max)];
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    const at = flags.find((f) => f.name === 'max')!;
    issues.report(at.span, at.name, `max = ${max} is below min = ${min}: the variable would be pinned at ${max}`);
  }
  return out;
}

/** Checks a declared name; `seen` holds every name declared so far in the model. */
function declare(name: string, span: Span, kind: ModelKind, seen: Set<string>, issues: IssueCollector): boolean {
  let why: string | null = null;
  if (RESERVED.has(name)) why = `'${name}' is a reserved name`;
  else if (name.startsWith('_')) why = `names starting with '_' are reserved for generated code`;
  else if (kind === 'synapse' && name === 'g_target') why = `'g_target' is the post-synaptic conductance and cannot be declared`;
  else if (seen.has(name)) why = `'${name}' is declared twice`;
  if (why) { issues.report(span, name, why); return false; }
  seen.add(name);
  return true;
}

export function readParameters(text: string, kind: ModelKind, seen: Set<string>, issues: IssueCollector): ParameterDecl[] {
  const out: ParameterDecl[] = [];
  for (const st of splitStatements('parameters', text, issues, { semicolons: true, flags: true })) {
    const at = findAssign(st.tokens);
    const [name] = st.tokens;
    if (at !== 1 || name.kind !== 'name' || st.tokens[1].text !== '=') {
      issues.report(st.span, name.text, `expected a parameter declaration 'name = value'`);
      continue;
    }
    const e = parseTokens(st.tokens.slice(2), st.end, issues);
    const flags = readFlags(st.flags, { kind, what: 'parameter', defaultMethod: 'explicit' }, issues);
    if (!e || !declare(name.text, name.span, kind, seen, issues)) continue;
    const value = numberValue(e);
    if (value === null) issues.report(st.tokens[2].span, name.text, `parameter '${name.text}' must be a number expression (numbers and arithmetic only)`);
    out.push({ name: name.text, value: value ?? 0, shared: flags.shared, type: flags.type, span: name.span });
  }
  return out;
}

// `dv/dt` lexes as name `dv`, `/`, name `dt`; fold it into one token so `tau*dv/dt` parses as tau·(dv/dt).
function foldDerivatives(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const m = t.kind === 'name' ? /^d([A-Za-z_]\w*)$/.exec(t.text) : null;
    if (m && tokens[i + 1]?.text === '/' && tokens[i + 2]?.text === 'dt' && tokens[i + 2].kind === 'name') {
      out.push({ kind: 'deriv', text: m[1], span: t.span });
      i += 2;
    } else out.push(t);
  }
  return out;
}

export function readEquations(text: string, kind: ModelKind, defaultMethod: Method, seen: Set<string>, issues: IssueCollector): VariableDecl[] {
  const out: VariableDecl[] = [];
  for (const st of splitStatements('equations', text, issues, { semicolons: true, flags: true })) {
    const d = readEquation(st, kind, defaultMethod, seen, issues);
    if (d) out.push(d);
  }
  return out;
}

function readEquation(st: SourceStatement, kind: ModelKind, defaultMethod: Method, seen: Set<string>, issues: IssueCollector): VariableDecl | null {
  const at = findAssign(st.tokens);
  if (at <= 0 || st.tokens[at].text !== '=') {
    const t = at > 0 ? st.tokens[at] : st.tokens[0];
    issues.report(t.span, t.text, `expected an equation 'x = …' or 'tau * dx/dt = …'`);
    return null;
  }
  const lhs = foldDerivatives(st.tokens.slice(0, at));
  const rhs = parseTokens(st.tokens.slice(at + 1), st.end, issues);
  const derivs = lhs.filter((t) => t.kind === 'deriv');
  const ode = derivs.length > 0;
  const flags = readFlags(st.flags, { kind, what: ode ? 'ode' : 'assignment', defaultMethod }, issues);
  let name: Token;
  let rhsNorm: Expr | null = rhs;
  if (!ode) {
    if (lhs.length !== 1 || lhs[0].kind !== 'name') {
      issues.report(lhs[0].span, lhs[0].text, `left-hand side must be a variable name or contain a derivative dx/dt`);
      return null;
    }
    name = lhs[0];
  } else {
    name = derivs[0];
    const other = derivs.find((t) => t.text !== name.text);
    if (other) {
      issues.report(other.span, `d${other.text}/dt`, `only one derivative may appear on the left-hand side (found d${name.text}/dt and d${other.text}/dt)`);
      return null;
    }
    const left = parseTokens(lhs, st.tokens[at].span, issues);
    if (!left) return null;
    const lin = linearIn(left, (n) => n.kind === 'temp');
    if (!lin || (lin.B.kind === 'number' && lin.B.value === 0)) {
      issues.report(name.span, `d${name.text}/dt`, `left-hand side must be linear in d${name.text}/dt (c * d${name.text}/dt + g)`);
      return null;
    }
    rhsNorm = rhs && normalise(rhs, lin.A, lin.B);
  }
  if (!declare(name.text, name.span, kind, seen, issues) || !rhsNorm) return null;
  return { name: name.text, ode, rhs: rhsNorm, init: flags.init, min: flags.min, max: flags.max, method: flags.method, eventDriven: flags.eventDriven, shared: flags.shared, type: flags.type, span: name.span };
}

/** c·dx/dt + g = rhs  ⇒  dx/dt = (rhs − g)/c, skipping the identity parts. */
function normalise(rhs: Expr, g: Expr, c: Expr): Expr {
  const numerator = g.kind === 'number' && g.value === 0 ? rhs : rhs.kind === 'number' && rhs.value === 0 ? neg(g) : bin('-', rhs, g);
  return c.kind === 'number' && c.value === 1 ? numerator : bin('/', numerator, c);
}
