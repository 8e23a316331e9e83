// Random distributions for initial values, weights and delays (ANNarchy's Uniform, Normal,
// LogNormal with optional clipping bounds). In YAML they may be written as objects
// ({ uniform: [a, b] }) or as ANNarchy calls ("Uniform(-60, -50)", "Normal(0, 1, min=-2)").
import { z } from 'zod';

export type Distribution =
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; sd: number; min?: number; max?: number }
  | { kind: 'lognormal'; mu: number; sigma: number; min?: number; max?: number };

export function Uniform(min: number, max: number): Distribution {
  return { kind: 'uniform', min, max };
}
export function Normal(mean: number, sd: number, bounds: { min?: number; max?: number } = {}): Distribution {
  return { kind: 'normal', mean, sd, ...bounds };
}
export function LogNormal(mu: number, sigma: number, bounds: { min?: number; max?: number } = {}): Distribution {
  return { kind: 'lognormal', mu, sigma, ...bounds };
}

const num = z.number().refine(Number.isFinite, 'expected a finite number');
const bounds = { min: num.optional(), max: num.optional() };

const objectForm = z.union([
  z.object({ kind: z.literal('uniform'), min: num, max: num }).strict(),
  z.object({ kind: z.literal('normal'), mean: num, sd: num.nonnegative(), ...bounds }).strict(),
  z.object({ kind: z.literal('lognormal'), mu: num, sigma: num.nonnegative(), ...bounds }).strict(),
  z.object({ uniform: z.tuple([num, num]) }).strict().transform(({ uniform: [min, max] }) => Uniform(min, max)),
  z.object({ normal: z.tuple([num, num.nonnegative()]), ...bounds }).strict()
    .transform(({ normal: [mean, sd], min, max }) => Normal(mean, sd, { min, max })),
  z.object({ lognormal: z.tuple([num, num.nonnegative()]), ...bounds }).strict()
    .transform(({ lognormal: [mu, sigma], min, max }) => LogNormal(mu, sigma, { min, max })),
]);

const CALL = /^\s*(Uniform|Normal|LogNormal)\s*\((.*)\)\s*$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

// Parses "Normal(0, 1, min=-2, max=2)"; returns a message on failure.
export function parseDistributionCall(text: string): Distribution | string {
  const match = CALL.exec(text);
  if (!match) return `expected Uniform(min, max), Normal(mean, sd[, min=…, max=…]) or LogNormal(mu, sigma[, …]), got '${text}'`;
  const [, name, argText] = match;
  const positional: number[] = [];
  const named: Record<string, number> = {};
  for (const raw of argText.split(',').map((s) => s.trim())) {
    const [key, value] = raw.includes('=') ? raw.split('=').map((s) => s.trim()) : [undefined, raw];
    if (!NUMBER.test(value)) return `${name}: '${raw}' is not a number`;
    if (key === undefined) positional.push(Number(value));
    else if (key === 'min' || key === 'max') named[key] = Number(value);
    else return `${name}: unknown argument '${key}' (expected min or max)`;
  }
  if (positional.length !== 2) return `${name} takes 2 numbers, got ${positional.length}`;
  const [a, b] = positional;
  if (name === 'Uniform') {
    if (Object.keys(named).length) return 'Uniform takes no min/max bounds; its arguments are the bounds';
    return Uniform(a, b);
  }
  if (b < 0) return `${name}: the spread must be ≥ 0, got ${b}`;
  return name === 'Normal' ? Normal(a, b, named) : LogNormal(a, b, named);
}

export const DistributionSchema = z.union([
  objectForm,
  z.string().transform((text, ctx) => {
    const parsed = parseDistributionCall(text);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  }),
]).superRefine((d, ctx) => {
  if (d.kind === 'uniform' && !(d.min <= d.max)) ctx.addIssue({ code: 'custom', message: `Uniform: min ${d.min} must be ≤ max ${d.max}` });
  if (d.kind !== 'uniform' && d.min !== undefined && d.max !== undefined && d.min > d.max)
    ctx.addIssue({ code: 'custom', message: `bounds: min ${d.min} must be ≤ max ${d.max}` });
});

export function isDistribution(v: unknown): v is Distribution {
  return typeof v === 'object' && v !== null && 'kind' in v && ['uniform', 'normal', 'lognormal'].includes((v as Distribution).kind);
}

// Smallest and largest value a distribution can produce (for delay validation).
export function distributionRange(d: Distribution): [number, number] {
  if (d.kind === 'uniform') return [d.min, d.max];
  if (d.kind === 'lognormal') return [d.min ?? 0, d.max ?? Infinity];
  return [d.min ?? -Infinity, d.max ?? Infinity];
}
