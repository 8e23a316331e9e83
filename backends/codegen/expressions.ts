// Binds the equation module's C++ emission to one kernel: how identifiers, random draws and sums
// become C++ inside that kernel's loop.
import { emitConditionCpp, emitCpp, emitStatementCpp, type CppContext, type Expr } from '../../network/equations/index.js';
import { children } from '../../network/equations/ast.js';

export type RandomDraw = Extract<Expr, { kind: 'random' }>;

export interface KernelNames {
  precision: 'double' | 'float';
  ident(scope: 'pre' | 'post' | undefined, name: string): string;
  sum?(target: string): string;
}

// Every random call site in the given expressions, once each, in site order.
export function randomSites(exprs: Expr[]): RandomDraw[] {
  const found = new Map<number, RandomDraw>();
  const visit = (e: Expr) => {
    if (e.kind === 'random' && !found.has(e.site)) found.set(e.site, e);
    children(e).forEach(visit);
  };
  exprs.forEach(visit);
  return [...found.values()].sort((a, b) => a.site - b.site);
}

export const randomLocal = (site: number) => `_r${site}`;

export function context(names: KernelNames): CppContext {
  return {
    precision: names.precision,
    identifier: (scope, name) => names.ident(scope, name),
    random: (_kind, _args, site) => randomLocal(site),
    sum: (target) => {
      if (!names.sum) throw new Error(`sum(${target}) is not available here`);
      return names.sum(target);
    },
  };
}

// One draw per site per element per step, computed before the equations (as ANNarchy does), from
// the stream `stream + site` at counter (step, index).
export function randomDraws(sites: RandomDraw[], ctx: CppContext, stream: number, index: string): string[] {
  return sites.map((r) => {
    const [a, b] = r.args.map((x) => emitCpp(x, ctx));
    const draw = `ss::${r.dist === 'uniform' ? 'uniform' : 'normal'}(seed, ${stream + r.site}u, uint64_t(s), uint64_t(${index}))`;
    const value = r.dist === 'uniform' ? `(${a}) + ((${b}) - (${a})) * real(${draw})` : `(${a}) + (${b}) * real(${draw})`;
    return `const real ${randomLocal(r.site)} = ${value};`;
  });
}

export { emitConditionCpp, emitCpp, emitStatementCpp };
