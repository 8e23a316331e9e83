// Divisions by loop-invariant values (τ parameters shared by a population, constants, dt) become
// multiplications by a reciprocal computed once per kernel call: a vector division costs several
// times a multiplication, and such divisions dominate the neuron update. The rounding differs
// from a literal division by at most one ulp and is the same on every run and thread count.
import type { Expr } from '../../network/equations/index.js';
import { mapChildren } from '../../network/equations/ast.js';

export interface Reciprocal {
  name: string;
  divisor: Expr;
}

export class ReciprocalHoister {
  readonly reciprocals: Reciprocal[] = [];
  private readonly byKey = new Map<string, string>();

  constructor(private readonly invariant: (e: Expr) => boolean) {}

  rewrite(e: Expr): Expr {
    const inner = mapChildren(e, (c) => this.rewrite(c));
    if (inner.kind !== 'binary' || inner.op !== '/' || !this.invariant(inner.right) || inner.right.kind === 'number') return inner;
    const key = JSON.stringify(inner.right, (k, v) => (k === 'span' ? undefined : v));
    let name = this.byKey.get(key);
    if (!name) {
      name = `_inv${this.reciprocals.length}`;
      this.byKey.set(key, name);
      this.reciprocals.push({ name, divisor: inner.right });
    }
    return { kind: 'binary', op: '*', left: inner.left, right: { kind: 'temp', name, span: inner.span }, span: inner.span };
  }
}

// True when every leaf of e is a number or a name the caller calls invariant.
export function isInvariantExpr(e: Expr, invariantName: (name: string) => boolean): boolean {
  switch (e.kind) {
    case 'number': return true;
    case 'ident': return invariantName(e.name);
    case 'unary': return isInvariantExpr(e.arg, invariantName);
    case 'binary': return isInvariantExpr(e.left, invariantName) && isInvariantExpr(e.right, invariantName);
    case 'call': return e.args.every((a) => isInvariantExpr(a, invariantName));
    default: return false;
  }
}
