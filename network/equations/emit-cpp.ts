// AST → C++ expression text. The only text that comes from outside this file is what the
// context's resolvers return (they must return primary expressions, e.g. `v[i]`); names from the
// user never reach the output directly, numbers are printed from their parsed values.
import type { Expr, Statement } from './ast.js';
import type { MathFunction } from './builtins.js';
import type { UpdateStep } from './integrate.js';

export type Precision = 'double' | 'float';

export interface CppContext {
  /** C++ expression for a model name (`scope` set for pre.x / post.x). */
  identifier(scope: 'pre' | 'post' | undefined, name: string): string;
  /** C++ expression drawing one value; `siteId` is stable per call site within a model. */
  random(kind: 'uniform' | 'normal', args: string[], siteId: number): string;
  sum(target: string): string;
  precision?: Precision;
}

type Want = 'num' | 'bool';

// C library names of the functions IEEE arithmetic rounds exactly (so libm and CUDA agree); double
// uses the std:: overloads, float the C `…f` functions (also valid in CUDA).
const C_NAME: Partial<Record<MathFunction, string>> = {
  sqrt: 'sqrt', fabs: 'fabs', abs: 'fabs', floor: 'floor', ceil: 'ceil', round: 'round', min: 'fmin', max: 'fmax', fmod: 'fmod',
};

// The rest come from the runtime's ss::math (native/runtime/spikesweep/math.hpp), one implementation
// for host and device: libm and CUDA's libdevice round them differently.
const SHARED_NAME: Partial<Record<MathFunction, string>> = {
  exp: 'exp', log: 'log', log10: 'log10', log2: 'log2', sin: 'sin', cos: 'cos', tan: 'tan', asin: 'asin', acos: 'acos',
  atan: 'atan', atan2: 'atan2', sinh: 'sinh', cosh: 'cosh', tanh: 'tanh', pow: 'pow',
};

const TEMP_NAME = /^_[A-Za-z0-9_]+$/;

export function cppLiteral(v: number, precision: Precision = 'double'): string {
  if (!Number.isFinite(v)) throw new Error(`cannot emit non-finite number ${v}`);
  let s = String(Math.abs(v));
  if (!/[.e]/.test(s)) s += '.0';
  if (precision === 'float') s += 'f';
  return v < 0 || Object.is(v, -0) ? `(-${s})` : s;
}

class Emitter {
  private readonly p: Precision;
  constructor(private readonly ctx: CppContext) {
    this.p = ctx.precision ?? 'double';
  }

  private fn(name: string): string {
    return this.p === 'float' ? `${name}f` : `std::${name}`;
  }

  private shared(name: string): string {
    return `ss::math::${name}${this.p === 'float' ? 'f' : ''}`;
  }

  private lit(v: number): string {
    return cppLiteral(v, this.p);
  }

  emit(e: Expr, want: Want): string {
    const [text, is] = this.natural(e);
    if (is === want) return text;
    return want === 'num' ? `(${text} ? ${this.lit(1)} : ${this.lit(0)})` : `(${text} != ${this.lit(0)})`;
  }

  private natural(e: Expr): [string, Want] {
    const n = (x: Expr) => this.emit(x, 'num');
    const b = (x: Expr) => this.emit(x, 'bool');
    switch (e.kind) {
      case 'number': return [this.lit(e.value), 'num'];
      case 'ident': return [this.ctx.identifier(undefined, e.name), 'num'];
      case 'scoped': return [this.ctx.identifier(e.scope, e.name), 'num'];
      case 'temp':
        if (!TEMP_NAME.test(e.name)) throw new Error(`invalid temporary name '${e.name}'`);
        return [e.name, 'num'];
      case 'unary':
        if (e.op === 'not') return [`(!${b(e.arg)})`, 'bool'];
        return [e.op === '-' ? `(-${n(e.arg)})` : n(e.arg), 'num'];
      case 'ite': return [`(${b(e.cond)} ? ${n(e.then)} : ${n(e.else)})`, 'num'];
      case 'random': return [this.ctx.random(e.dist, e.args.map(n), e.site), 'num'];
      case 'sum': return [this.ctx.sum(e.target), 'num'];
      case 'call': return [this.call(e.fn as MathFunction, e.args), 'num'];
      case 'binary':
        switch (e.op) {
          case 'and': return [`(${b(e.left)} && ${b(e.right)})`, 'bool'];
          case 'or': return [`(${b(e.left)} || ${b(e.right)})`, 'bool'];
          case '<': case '<=': case '>': case '>=': case '==': case '!=':
            return [`(${n(e.left)} ${e.op} ${n(e.right)})`, 'bool'];
          case '^': return [this.power(e.left, e.right), 'num'];
          case '%': return [this.floorMod(n(e.left), n(e.right)), 'num'];
          default: return [`(${n(e.left)} ${e.op} ${n(e.right)})`, 'num'];
        }
    }
  }

  // Small integer powers as products: exact, and cheaper than pow where the base is a plain value.
  private power(base: Expr, exponent: Expr): string {
    const simple = base.kind === 'ident' || base.kind === 'scoped' || base.kind === 'temp' || base.kind === 'number';
    if (simple && exponent.kind === 'number' && (exponent.value === 2 || exponent.value === 3)) {
      const x = this.emit(base, 'num');
      return `(${Array(exponent.value).fill(x).join(' * ')})`;
    }
    return `${this.shared('pow')}(${this.emit(base, 'num')}, ${this.emit(exponent, 'num')})`;
  }

  // Python/ANNarchy modulo: the result has the sign of the divisor.
  private floorMod(a: string, b: string): string {
    return `(${a} - ${b} * ${this.fn('floor')}(${a} / ${b}))`;
  }

  private call(fn: MathFunction, args: Expr[]): string {
    const a = args.map((x) => this.emit(x, 'num'));
    switch (fn) {
      case 'pow': return this.power(args[0], args[1]);
      case 'clip': return `${this.fn('fmin')}(${this.fn('fmax')}(${a[0]}, ${a[1]}), ${a[2]})`;
      case 'modulo': return this.floorMod(a[0], a[1]);
      case 'pos': return `${this.fn('fmax')}(${a[0]}, ${this.lit(0)})`;
      case 'neg': return `${this.fn('fmin')}(${a[0]}, ${this.lit(0)})`;
      case 'heaviside': return `(${a[0]} > ${this.lit(0)} ? ${this.lit(1)} : ${this.lit(0)})`;
    }
    const shared = SHARED_NAME[fn];
    if (shared) return `${this.shared(shared)}(${a.join(', ')})`;
    const name = C_NAME[fn];
    if (!name) throw new Error(`no C++ form for function '${fn}'`);
    return `${this.fn(name)}(${a.join(', ')})`;
  }
}

/** C++ for a numeric expression (comparisons become 1.0/0.0). */
export function emitCpp(expr: Expr, ctx: CppContext): string {
  return new Emitter(ctx).emit(expr, 'num');
}

/** C++ for a condition (spike, ite condition): a bool-valued expression. */
export function emitConditionCpp(expr: Expr, ctx: CppContext): string {
  return new Emitter(ctx).emit(expr, 'bool');
}

export function emitStatementCpp(stmt: Statement, ctx: CppContext): string {
  return `${ctx.identifier(stmt.target.scope, stmt.target.name)} ${stmt.op} ${emitCpp(stmt.value, ctx)};`;
}

/** One update-plan step: a `const` local for temporaries, an assignment for variables. */
export function emitStepCpp(step: UpdateStep, ctx: CppContext): string {
  if (step.kind === 'assign') return `${ctx.identifier(undefined, step.variable)} = ${emitCpp(step.value, ctx)};`;
  if (!TEMP_NAME.test(step.name)) throw new Error(`invalid temporary name '${step.name}'`);
  return `const ${ctx.precision ?? 'double'} ${step.name} = ${emitCpp(step.value, ctx)};`;
}
