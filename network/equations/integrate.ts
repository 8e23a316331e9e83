// Turns a model's variables into an ordered list of AST steps that advance one time step.
// Ordering follows ANNarchy (generator/Utils.py, sort_odes): variables are grouped into
// consecutive runs of ODEs and of assignments in declaration order; assignments run in order, and
// within an ODE run every stage of every variable is computed from the values at the start of
// the run before any variable is written. Event-driven ODEs are left to eventDrivenDecay().
import { bin, call, ident, num, some, substitute, temp, type Expr } from './ast.js';
import { IssueCollector, type ModelKind } from './errors.js';
import { linearCoefficients } from './linear.js';
import { SCHEMES } from './schemes.js';
import type { Method, ModelVariable } from './types.js';

export type UpdateStep =
  /** A local value (`const double _k1_v = …`), read only by later steps of the same plan. */
  | { kind: 'temp'; name: string; value: Expr }
  /** Writes a model variable (bounds from min/max already applied in `value`). */
  | { kind: 'assign'; variable: string; value: Expr };

export interface UpdatePlan {
  steps: UpdateStep[];
}

export interface ModelOrigin {
  modelKind: ModelKind;
  model: string;
}

const isZero = (e: Expr): boolean => e.kind === 'number' && e.value === 0;

function clamp(v: ModelVariable, value: Expr): Expr {
  const low = v.min ? call('max', [value, v.min], value.span) : value;
  return v.max ? call('min', [low, v.max], value.span) : low;
}

/** Linear coefficients for exponential/exact; reports why a variable does not qualify. */
function coefficients(v: ModelVariable, all: ModelVariable[], issues: IssueCollector, what = `method '${v.method}'`) {
  const lin = linearCoefficients(v.rhs, v.name);
  if (!lin) {
    issues.report(v.span, v.name, `${what} needs d${v.name}/dt linear in ${v.name} (A + B*${v.name} with A, B free of ${v.name})`);
    return null;
  }
  if (v.method === 'exact' || v.eventDriven) {
    const state = new Set(all.map((x) => x.name));
    const varying = (e: Expr) => some(e, (n) => (n.kind === 'ident' && (state.has(n.name) || n.name === 't' || /^g_/.test(n.name))) ||
      n.kind === 'scoped' || n.kind === 'random' || n.kind === 'sum');
    if (varying(lin.A) || varying(lin.B)) {
      issues.report(v.span, v.name, `${what} needs d${v.name}/dt = A + B*${v.name} with A and B free of other variables, t and random draws`);
      return null;
    }
  }
  return lin;
}

function planOdes(odes: ModelVariable[], all: ModelVariable[], issues: IssueCollector): UpdateStep[] {
  // A zero linear coefficient would divide by zero in the exponential form; Euler is exact there.
  const methods = new Map<ModelVariable, Method>();
  const linear = new Map<ModelVariable, { A: Expr; B: Expr }>();
  const ok: ModelVariable[] = [];
  for (const v of odes) {
    let method = v.method;
    if (method === 'exponential' || method === 'exact') {
      const lin = coefficients(v, all, issues);
      if (!lin) continue;
      if (isZero(lin.B)) method = 'explicit';
      else linear.set(v, lin);
    }
    methods.set(v, method);
    ok.push(v);
  }
  const stageName = (stage: string, v: ModelVariable) => `_${stage}_${v.name}`;

  // Instantiates a scheme expression for variable v: x, stage names, A, B and f(…) calls.
  const expand = (e: Expr, v: ModelVariable): Expr => {
    const scheme = SCHEMES[methods.get(v) as Method];
    if (e.kind === 'ident') {
      if (e.name === 'x') return ident(v.name, v.rhs.span);
      if (scheme.stages.some((s) => s.name === e.name)) return temp(stageName(e.name, v), v.rhs.span);
      if (e.name === 'A' || e.name === 'B') return (linear.get(v) as { A: Expr; B: Expr })[e.name];
      return ident(e.name, v.rhs.span);
    }
    if (e.kind === 'call' && e.fn === 'f') {
      const [xArg, tArg] = e.args;
      const same = ok.filter((y) => methods.get(y) === methods.get(v));
      const map = new Map<string, Expr>(same.map((y) => [y.name, expand(xArg, y)]));
      map.set('t', expand(tArg, v));
      return substitute(v.rhs, map);
    }
    if (e.kind === 'number') return { ...e, span: v.rhs.span };
    if (e.kind === 'unary') return { ...e, arg: expand(e.arg, v), span: v.rhs.span };
    if (e.kind === 'binary') return { ...e, left: expand(e.left, v), right: expand(e.right, v), span: v.rhs.span };
    if (e.kind === 'call') return { ...e, args: e.args.map((a) => expand(a, v)), span: v.rhs.span };
    throw new Error(`scheme node '${e.kind}' is not supported`);
  };

  const steps: UpdateStep[] = [];
  const depth = Math.max(0, ...ok.map((v) => SCHEMES[methods.get(v) as Method].stages.length));
  for (let i = 0; i < depth; i++) {
    for (const v of ok) {
      const stage = SCHEMES[methods.get(v) as Method].stages[i];
      if (stage) steps.push({ kind: 'temp', name: stageName(stage.name, v), value: expand(stage.value, v) });
    }
  }
  for (const v of ok) {
    steps.push({ kind: 'assign', variable: v.name, value: clamp(v, expand(SCHEMES[methods.get(v) as Method].update, v)) });
  }
  return steps;
}

/** Core of integrate(): reports problems into `issues` instead of throwing. */
export function planIntegration(variables: ModelVariable[], issues: IssueCollector): UpdatePlan {
  const active = variables.filter((v) => !v.eventDriven);
  const steps: UpdateStep[] = [];
  for (let i = 0; i < active.length;) {
    let j = i;
    while (j < active.length && active[j].ode === active[i].ode) j++;
    const run = active.slice(i, j);
    if (run[0].ode) steps.push(...planOdes(run, variables, issues));
    else steps.push(...run.map((v): UpdateStep => ({ kind: 'assign', variable: v.name, value: clamp(v, v.rhs) })));
    i = j;
  }
  return { steps };
}

/** Update steps for all continuously updated variables; throws EquationErrors if a method cannot apply. */
export function integrate(variables: ModelVariable[], origin: ModelOrigin): UpdatePlan {
  const issues = new IssueCollector(origin.modelKind, origin.model);
  const plan = planIntegration(variables, issues);
  issues.throwIfAny();
  return plan;
}

/** Closed-form factor exp(B·elapsed) for an event-driven trace dx/dt = B·x (B constant); null with a report otherwise. */
export function decayFactor(v: ModelVariable, all: ModelVariable[], elapsed: Expr, issues: IssueCollector): Expr | null {
  const lin = coefficients(v, all, issues, `event-driven variable '${v.name}'`);
  if (!lin) return null;
  if (!isZero(lin.A)) {
    issues.report(v.span, v.name, `event-driven variable '${v.name}' must decay to zero (tau * d${v.name}/dt = -${v.name})`);
    return null;
  }
  return call('exp', [bin('*', lin.B, elapsed)], v.span);
}

/** exp(B·elapsed) for an event-driven trace; throws EquationErrors when it is not a pure decay. */
export function eventDrivenDecay(variable: ModelVariable, elapsed: Expr, origin: ModelOrigin, variables: ModelVariable[] = [variable]): Expr {
  const issues = new IssueCollector(origin.modelKind, origin.model);
  const f = decayFactor(variable, variables, elapsed, issues);
  issues.throwIfAny();
  return f ?? num(1, variable.span);
}
