// Symbolic split of an expression into A + B·x. Used to normalise `c·dx/dt + g = rhs` and by
// exponential/exact integration; deliberately syntactic (no algebra system): it recognises sums,
// differences, negation, products and quotients by x-free factors, which covers the ODE forms
// neuroscientists write (`(El - v)/tau`, `-x/tau`, `g*(E - v)`).
import { bin, neg, num, some, type Expr } from './ast.js';

export interface LinearForm {
  /** The x-free part. */
  A: Expr;
  /** The coefficient of x (x-free). */
  B: Expr;
}

// null stands for an exact zero so the result carries no `0*…` clutter.
type Part = Expr | null;
interface Split { a: Part; b: Part }

const add = (p: Part, q: Part): Part => (p === null ? q : q === null ? p : bin('+', p, q));
const sub = (p: Part, q: Part): Part => (q === null ? p : p === null ? neg(q) : bin('-', p, q));
const negate = (p: Part): Part => (p === null ? null : neg(p));
const isOne = (e: Expr): boolean => e.kind === 'number' && e.value === 1;
const scale = (p: Part, k: Expr): Part => (p === null ? null : isOne(k) ? p : isOne(p) ? k : bin('*', p, k));
const divide = (p: Part, k: Expr): Part => (p === null ? null : isOne(k) ? p : bin('/', p, k));

export function dependsOn(e: Expr, isX: (n: Expr) => boolean): boolean {
  return some(e, isX);
}

function split(e: Expr, isX: (n: Expr) => boolean): Split | null {
  if (isX(e)) return { a: null, b: num(1, e.span) };
  if (!dependsOn(e, isX)) return { a: e, b: null };
  if (e.kind === 'unary' && e.op !== 'not') {
    const s = split(e.arg, isX);
    return s && (e.op === '-' ? { a: negate(s.a), b: negate(s.b) } : s);
  }
  if (e.kind !== 'binary') return null;
  const l = split(e.left, isX);
  const r = split(e.right, isX);
  if (!l || !r) return null;
  switch (e.op) {
    case '+': return { a: add(l.a, r.a), b: add(l.b, r.b) };
    case '-': return { a: sub(l.a, r.a), b: sub(l.b, r.b) };
    case '*':
      if (l.b === null) return { a: scale(r.a, e.left), b: scale(r.b, e.left) };
      if (r.b === null) return { a: scale(l.a, e.right), b: scale(l.b, e.right) };
      return null;
    case '/':
      return r.b === null ? { a: divide(l.a, e.right), b: divide(l.b, e.right) } : null;
    default:
      return null;
  }
}

/** Splits `expr` as A + B·x where `isX` marks occurrences of x; null if not linear in x. */
export function linearIn(expr: Expr, isX: (n: Expr) => boolean): LinearForm | null {
  const s = split(expr, isX);
  if (!s) return null;
  return { A: s.a ?? num(0, expr.span), B: s.b ?? num(0, expr.span) };
}

/** Splits `expr` as A + B·x for the variable named `x`; null if `expr` is not linear in x. */
export function linearCoefficients(expr: Expr, x: string): LinearForm | null {
  return linearIn(expr, (n) => n.kind === 'ident' && n.name === x);
}
