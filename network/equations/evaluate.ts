// A small interpreter over the AST: constant folding (init/parameter values) and checking
// integration schemes against analytic solutions in tests. Booleans are 1/0 as in the C++ output.
import type { Expr } from './ast.js';
import type { MathFunction } from './builtins.js';

export interface EvalEnv {
  /** Bare identifiers (parameters, variables, constants, t, dt, …). */
  vars: Record<string, number>;
  pre?: Record<string, number>;
  post?: Record<string, number>;
  /** Generated temporaries of an update plan. */
  temps?: Record<string, number>;
  random?(dist: 'uniform' | 'normal', args: number[], site: number): number;
  sum?(target: string): number;
}

const floorMod = (a: number, b: number): number => a - b * Math.floor(a / b);

const MATH: Record<MathFunction, (...a: number[]) => number> = {
  exp: Math.exp, log: Math.log, log10: Math.log10, log2: Math.log2, sqrt: Math.sqrt,
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan, atan2: Math.atan2,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  fabs: Math.abs, abs: Math.abs, floor: Math.floor, ceil: Math.ceil,
  // C's round(): halves away from zero (Math.round rounds -2.5 to -2).
  round: (x) => Math.sign(x) * Math.round(Math.abs(x)),
  pow: Math.pow, min: Math.min, max: Math.max,
  clip: (x, lo, hi) => Math.min(Math.max(x, lo), hi),
  fmod: (a, b) => a % b, modulo: floorMod,
  pos: (x) => Math.max(x, 0), neg: (x) => Math.min(x, 0), heaviside: (x) => (x > 0 ? 1 : 0),
};

function lookup(table: Record<string, number> | undefined, name: string, what: string): number {
  const v = table?.[name];
  if (v === undefined) throw new Error(`evaluate: no value for ${what} '${name}'`);
  return v;
}

export function evaluate(e: Expr, env: EvalEnv): number {
  const ev = (x: Expr): number => evaluate(x, env);
  switch (e.kind) {
    case 'number': return e.value;
    case 'ident': return lookup(env.vars, e.name, 'identifier');
    case 'scoped': return lookup(e.scope === 'pre' ? env.pre : env.post, e.name, e.scope);
    case 'temp': return lookup(env.temps, e.name, 'temporary');
    case 'unary': {
      const v = ev(e.arg);
      return e.op === '-' ? -v : e.op === '+' ? v : v === 0 ? 1 : 0;
    }
    case 'ite': return ev(e.cond) !== 0 ? ev(e.then) : ev(e.else);
    case 'call': {
      const f = MATH[e.fn as MathFunction];
      if (!f) throw new Error(`evaluate: unknown function '${e.fn}'`);
      return f(...e.args.map(ev));
    }
    case 'random':
      if (!env.random) throw new Error('evaluate: no random source given');
      return env.random(e.dist, e.args.map(ev), e.site);
    case 'sum':
      if (!env.sum) throw new Error('evaluate: no sum() source given');
      return env.sum(e.target);
    case 'binary': {
      const a = ev(e.left);
      if (e.op === 'and') return a !== 0 && ev(e.right) !== 0 ? 1 : 0;
      if (e.op === 'or') return a !== 0 || ev(e.right) !== 0 ? 1 : 0;
      const b = ev(e.right);
      switch (e.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        case '^': return Math.pow(a, b);
        case '%': return floorMod(a, b);
        case '<': return a < b ? 1 : 0;
        case '<=': return a <= b ? 1 : 0;
        case '>': return a > b ? 1 : 0;
        case '>=': return a >= b ? 1 : 0;
        case '==': return a === b ? 1 : 0;
        case '!=': return a !== b ? 1 : 0;
      }
    }
  }
}
