// The model math as inline functions of one element (a neuron, a synapse): the part of the code
// every backend shares, wrapped by each in its own schedule (backends/<name>/schedule.ts). Each
// function takes the step, time and seed, the element's indices, and one parameter per value its
// statements touch: a reference for an element of an array (the schedule passes `v[i]`), a value
// for anything read-only and the same for every element (a hoisted shared parameter, a constant, a
// reciprocal computed once per kernel call). Inlined into a schedule's loop, the function is the
// loop body the compiler vectorises; on a GPU it is the body of a thread.
import type { KernelNames } from './expressions.js';

export interface MathParam {
  /** The parameter's name inside the function. */
  name: string;
  /** `real &` for an element, `const real` for a value… */
  type: string;
  /** The argument in the schedule's naming (e.g. `l_v[i]`, `l_El`). */
  arg: string;
}

/** Indices and clocks every math function receives, in this order. */
const FIXED = ['int64_t s', 'double t', 'double dt', 'uint64_t seed'];
const FIXED_ARGS = ['s', 't', 'dt', 'seed'];

export interface MathFunction {
  name: string;
  returns: string;
  /** Entity indices it takes after the clocks (`i`, `j`, `k`). */
  indices: string[];
  params: MathParam[];
  body: string[];
}

/**
 * Collects the parameters of one math function while its body is emitted: `names` as the schedule
 * names things (its locals and arrays), rewritten so that the body names parameters instead.
 */
export class MathBinder {
  readonly params: MathParam[] = [];
  private readonly byArg = new Map<string, string>();

  constructor(private readonly precision: 'double' | 'float') {}

  /**
   * The parameter standing for `arg`; elements (`x[i]`) by reference, the rest by value. Its name is
   * `x_<name>` (model names are prefixed so they never clash with C++), or `name` itself when the
   * body already uses that name (a reciprocal's temporary).
   */
  bind(arg: string, name: string, opts: { type?: string; exact?: boolean } = {}): string {
    const known = this.byArg.get(arg);
    if (known) return known;
    const param = opts.exact ? name : this.unique(`x_${name.replace(/\W/g, '_')}`);
    const isElement = /\]$/.test(arg);
    this.params.push({ name: param, type: opts.type ?? (isElement ? 'real &' : 'const real'), arg });
    this.byArg.set(arg, param);
    return param;
  }

  /** `names` whose identifiers become parameters (t, dt and the schedule's clocks stay as they are). */
  names(inner: KernelNames): KernelNames {
    return {
      precision: this.precision,
      ident: (scope, name) => {
        const arg = inner.ident(scope, name);
        if (arg === 't' || arg === 'dt' || arg.startsWith('_')) return arg;
        return this.bind(arg, scope ? `${scope}_${name}` : name);
      },
      ...(inner.sum ? { sum: (target: string) => this.bind(inner.sum!(target), `sum_${target}`) } : {}),
    };
  }

  private unique(base: string): string {
    let name = base;
    for (let k = 2; this.params.some((p) => p.name === name); k++) name = `${base}_${k}`;
    return name;
  }
}

export function defineMath(fn: MathFunction): string[] {
  const params = [...FIXED, ...fn.indices.map((x) => `int64_t ${x}`), ...fn.params.map((p) => `${p.type} ${p.name}`)];
  return [
    `SS_MATH ${fn.returns} ${fn.name}(${params.join(', ')}) {`,
    `  (void)s; (void)t; (void)dt; (void)seed;${fn.indices.map((x) => ` (void)${x};`).join('')}`,
    ...fn.body.map((l) => `  ${l}`),
    '}',
  ];
}

/** The call of `fn` in a schedule whose locals are named as the binder was told; `args` replaces some arguments (by the binder's argument). */
export function callMath(fn: MathFunction, args: Record<string, string> = {}): string {
  return `${fn.name}(${[...FIXED_ARGS, ...fn.indices, ...fn.params.map((p) => args[p.arg] ?? p.arg)].join(', ')})`;
}
