// Expression and statement trees. Everything downstream (validation, integration, C++ emission,
// evaluation) works on these nodes; no stage hands text to another.

/** Position in the description: field name, 1-based line within the field, 1-based column. */
export interface Span {
  field: string;
  line: number;
  column: number;
}

export type UnaryOp = '-' | '+' | 'not';
export type BinaryOp =
  | '+' | '-' | '*' | '/' | '^' | '%'
  | '<' | '<=' | '>' | '>=' | '==' | '!='
  | 'and' | 'or';

export type Expr =
  | { kind: 'number'; value: number; span: Span }
  /** A bare name: parameter, variable, constant, t, dt, g_*, w, g_target. */
  | { kind: 'ident'; name: string; span: Span }
  /** `pre.x` / `post.x` (synapses only). */
  | { kind: 'scoped'; scope: 'pre' | 'post'; name: string; span: Span }
  /** Generated local value (integration stage, derivative marker); never written by users. */
  | { kind: 'temp'; name: string; span: Span }
  | { kind: 'unary'; op: UnaryOp; arg: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  /** After validation `fn` is always a built-in math function (see builtins.ts). */
  | { kind: 'call'; fn: string; args: Expr[]; span: Span }
  | { kind: 'ite'; cond: Expr; then: Expr; else: Expr; span: Span }
  /** `Uniform(a, b)` / `Normal(mean, sd)`; `site` numbers call sites per model for RNG streams. */
  | { kind: 'random'; dist: 'uniform' | 'normal'; args: Expr[]; site: number; span: Span }
  /** `sum(target)` (neurons). */
  | { kind: 'sum'; target: string; span: Span };

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=';

export interface Statement {
  kind: 'assign';
  target: { scope?: 'pre' | 'post'; name: string };
  op: AssignOp;
  value: Expr;
  span: Span;
}

export const num = (value: number, span: Span): Expr => ({ kind: 'number', value, span });
export const ident = (name: string, span: Span): Expr => ({ kind: 'ident', name, span });
export const temp = (name: string, span: Span): Expr => ({ kind: 'temp', name, span });
export const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: left.span });
export const neg = (arg: Expr): Expr => ({ kind: 'unary', op: '-', arg, span: arg.span });
export const call = (fn: string, args: Expr[], span: Span): Expr => ({ kind: 'call', fn, args, span });

export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'unary': return [e.arg];
    case 'binary': return [e.left, e.right];
    case 'call': case 'random': return e.args;
    case 'ite': return [e.cond, e.then, e.else];
    default: return [];
  }
}

/** Rebuilds a node with its children mapped (post-order when `f` recurses first). */
export function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'unary': return { ...e, arg: f(e.arg) };
    case 'binary': return { ...e, left: f(e.left), right: f(e.right) };
    case 'call': return { ...e, args: e.args.map(f) };
    case 'random': return { ...e, args: e.args.map(f) };
    case 'ite': return { ...e, cond: f(e.cond), then: f(e.then), else: f(e.else) };
    default: return e;
  }
}

export function some(e: Expr, pred: (n: Expr) => boolean): boolean {
  return pred(e) || children(e).some((c) => some(c, pred));
}

/** Replaces bare identifiers (and temps, keyed `temp:<name>`) by the given expressions. */
export function substitute(e: Expr, map: ReadonlyMap<string, Expr>): Expr {
  if (e.kind === 'ident') return map.get(e.name) ?? e;
  if (e.kind === 'temp') return map.get('temp:' + e.name) ?? e;
  return mapChildren(e, (c) => substitute(c, map));
}

export function usesIdent(e: Expr, name: string): boolean {
  return some(e, (n) => n.kind === 'ident' && n.name === name);
}
