// Steps shared by neuron and synapse models once declarations are read: resolving variable
// expressions and numbering random-draw call sites.
import { mapChildren, type Expr, type Statement } from './ast.js';
import type { ParameterDecl, VariableDecl } from './declarations.js';
import type { IssueCollector } from './errors.js';
import { resolveExpr, type Scope } from './resolve.js';
import type { ModelParameter, ModelVariable } from './types.js';

export function toParameters(decls: ParameterDecl[]): ModelParameter[] {
  return decls.map(({ name, value, shared, type }) => ({ name, value, shared, type }));
}

export function resolveVariables(decls: VariableDecl[], scope: Scope, issues: IssueCollector): ModelVariable[] {
  return decls.map((d) => ({
    ...d,
    rhs: resolveExpr(d.rhs, scope, issues),
    ...(d.min ? { min: resolveExpr(d.min, scope, issues) } : {}),
    ...(d.max ? { max: resolveExpr(d.max, scope, issues) } : {}),
  }));
}

/**
 * Gives every random draw its own site number, in field order, so code generation can key an
 * independent Philox stream on it. Done after inlining: each inlined call is its own site.
 */
export class SiteNumbering {
  private next = 0;
  get used(): boolean {
    return this.next > 0;
  }
  expr(e: Expr): Expr {
    const inner = mapChildren(e, (c) => this.expr(c));
    return inner.kind === 'random' ? { ...inner, site: this.next++ } : inner;
  }
  optional(e: Expr | undefined): Expr | undefined {
    return e && this.expr(e);
  }
  statements(s: Statement[]): Statement[] {
    return s.map((st) => ({ ...st, value: this.expr(st.value) }));
  }
  variables(vs: ModelVariable[]): ModelVariable[] {
    return vs.map((v) => ({
      ...v,
      rhs: this.expr(v.rhs),
      ...(v.min ? { min: this.expr(v.min) } : {}),
      ...(v.max ? { max: this.expr(v.max) } : {}),
    }));
  }
}
