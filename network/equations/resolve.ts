// Validates a parsed expression against the names a model declares and turns generic calls into
// their meaning: built-in math, ite(), random draws, sum(), or user functions inlined by
// substitution (no user function ever becomes a C++ function).
import { children, substitute, type Expr } from './ast.js';
import { isMathFunction, MATH_ARITY, RANDOM_DRAWS } from './builtins.js';
import type { IssueCollector } from './errors.js';

export interface UserFunction {
  name: string;
  params: string[];
  /** Body whose only identifiers are `params`. */
  body: Expr;
}

export interface Scope {
  isName(name: string): boolean;
  /** Completes "expected …" in unknown-identifier messages. */
  expected: string;
  declared: readonly string[];
  functions: ReadonlyMap<string, UserFunction>;
  allowScoped: boolean;
  allowSum: boolean;
  /** Functions declared but not callable from here (the one being defined, later ones). */
  notYet?: { self: string; later: ReadonlySet<string> };
  onIdent?(name: string): void;
  onScoped?(scope: 'pre' | 'post', name: string): void;
  onSum?(target: string): void;
}

// Inlining nested functions can grow trees exponentially; stop well before that hurts.
const MAX_NODES = 20000;

export function resolveExpr(e: Expr, scope: Scope, issues: IssueCollector): Expr {
  const out = resolve(e, scope, issues);
  if (exceeds(out, MAX_NODES)) {
    issues.report(e.span, '', `expression too large after inlining functions (more than ${MAX_NODES} nodes)`);
    return { kind: 'number', value: 0, span: e.span };
  }
  return out;
}

/** Counts tree nodes but stops at `limit`: inlined trees share subtrees and may be huge. */
function exceeds(e: Expr, limit: number): boolean {
  let n = 0;
  const stack = [e];
  while (stack.length > 0) {
    if (++n > limit) return true;
    stack.push(...children(stack.pop() as Expr));
  }
  return false;
}

function listDeclared(names: readonly string[]): string {
  const shown = names.slice(0, 12).join(', ');
  return names.length > 12 ? `${shown}, …` : shown || 'none';
}

function resolve(e: Expr, scope: Scope, issues: IssueCollector): Expr {
  switch (e.kind) {
    case 'number': case 'temp': case 'random': case 'sum':
      return e;
    case 'ident':
      if (scope.isName(e.name)) scope.onIdent?.(e.name);
      else issues.report(e.span, e.name, `unknown identifier '${e.name}' — expected ${scope.expected} (declared: ${listDeclared(scope.declared)})`);
      return e;
    case 'scoped':
      if (scope.allowScoped) scope.onScoped?.(e.scope, e.name);
      else issues.report(e.span, `${e.scope}.${e.name}`, `'${e.scope}.${e.name}' is only allowed in synapse descriptions`);
      return e;
    case 'unary':
      return { ...e, arg: resolve(e.arg, scope, issues) };
    case 'binary':
      return { ...e, left: resolve(e.left, scope, issues), right: resolve(e.right, scope, issues) };
    case 'ite':
      return { ...e, cond: resolve(e.cond, scope, issues), then: resolve(e.then, scope, issues), else: resolve(e.else, scope, issues) };
    case 'call':
      return resolveCall(e, scope, issues);
  }
}

function resolveCall(e: Extract<Expr, { kind: 'call' }>, scope: Scope, issues: IssueCollector): Expr {
  const zero: Expr = { kind: 'number', value: 0, span: e.span };
  const arity = (n: number): boolean => {
    if (e.args.length === n) return true;
    issues.report(e.span, e.fn, `function '${e.fn}' takes ${n} argument${n === 1 ? '' : 's'}, got ${e.args.length}`);
    return false;
  };
  if (e.fn === 'sum') {
    const arg = e.args[0];
    if (!scope.allowSum) issues.report(e.span, 'sum', 'sum(target) is only available in neuron equations');
    else if (arity(1)) {
      if (arg.kind !== 'ident') issues.report(arg.span, '', 'sum() expects a bare target name, e.g. sum(exc)');
      else {
        scope.onSum?.(arg.name);
        return { kind: 'sum', target: arg.name, span: e.span };
      }
    }
    return zero;
  }
  const args = e.args.map((a) => resolve(a, scope, issues));
  if (e.fn === 'ite') return arity(3) ? { kind: 'ite', cond: args[0], then: args[1], else: args[2], span: e.span } : zero;
  const dist = Object.hasOwn(RANDOM_DRAWS, e.fn) ? RANDOM_DRAWS[e.fn] : undefined;
  if (dist) return arity(2) ? { kind: 'random', dist, args, site: 0, span: e.span } : zero;
  if (isMathFunction(e.fn)) return arity(MATH_ARITY[e.fn]) ? { ...e, args } : zero;
  const user = scope.functions.get(e.fn);
  if (user) {
    if (!arity(user.params.length)) return zero;
    return substitute(user.body, new Map(user.params.map((p, i) => [p, args[i]])));
  }
  if (scope.notYet?.self === e.fn) issues.report(e.span, e.fn, `function '${e.fn}' calls itself — recursion is not allowed`);
  else if (scope.notYet?.later.has(e.fn)) issues.report(e.span, e.fn, `function '${e.fn}' is declared later — a function may only call functions declared before it`);
  else issues.report(e.span, e.fn, `unknown function '${e.fn}' — expected a built-in (exp, log, sqrt, pow, clip, ite, Uniform, Normal, …) or one declared in functions`);
  return zero;
}
