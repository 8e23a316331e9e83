// The closed list of callable names. emit-cpp.ts and evaluate.ts each map every entry
// (typed as Record<MathFunction, …>, so adding one here without implementing it fails to compile).

export const MATH_ARITY = {
  exp: 1, log: 1, log10: 1, log2: 1, sqrt: 1,
  sin: 1, cos: 1, tan: 1, asin: 1, acos: 1, atan: 1, atan2: 2,
  sinh: 1, cosh: 1, tanh: 1,
  fabs: 1, abs: 1, floor: 1, ceil: 1, round: 1,
  pow: 2, min: 2, max: 2, clip: 3, fmod: 2, modulo: 2,
  pos: 1, neg: 1, heaviside: 1,
} as const;

export type MathFunction = keyof typeof MATH_ARITY;

export function isMathFunction(name: string): name is MathFunction {
  return Object.prototype.hasOwnProperty.call(MATH_ARITY, name);
}

/** Names with special forms, resolved into their own node kinds. */
export const RANDOM_DRAWS: Record<string, 'uniform' | 'normal'> = { Uniform: 'uniform', Normal: 'normal' };
export const SPECIAL_FORMS = new Set(['ite', 'sum', ...Object.keys(RANDOM_DRAWS)]);

/** Names a model may not declare: they mean something else in expressions. */
export const RESERVED = new Set(['t', 'dt', 'pre', 'post', 'and', 'or', 'not', 'true', 'false', 'True', 'False']);
