// Integration schemes as data, Brian2-style: each is a few update equations in the model's own
// expression language. Names: `x` the variable at the start of the step, `t`, `dt`, `f(x, t)` the
// right-hand side evaluated with every variable of the same scheme replaced like x, `A`/`B` the
// linear coefficients of dx/dt = A + B·x; every other left-hand name is a stage temporary.
// The last line (`x_new`) must not call f, so it only reads x and this variable's temporaries.
import type { Expr } from './ast.js';
import { IssueCollector } from './errors.js';
import { splitStatements, findAssign } from './lines.js';
import { parseExpr } from './parser.js';
import type { Method } from './types.js';

const SOURCE: Record<Method, string> = {
  explicit: `
    k = dt * f(x, t)
    x_new = x + k`,
  midpoint: `
    k = dt * f(x, t)
    k2 = dt * f(x + 0.5 * k, t + 0.5 * dt)
    x_new = x + k2`,
  rk4: `
    k1 = dt * f(x, t)
    k2 = dt * f(x + 0.5 * k1, t + 0.5 * dt)
    k3 = dt * f(x + 0.5 * k2, t + 0.5 * dt)
    k4 = dt * f(x + k3, t + dt)
    x_new = x + (k1 + 2 * k2 + 2 * k3 + k4) / 6`,
  // ANNarchy's form x + (1 - exp(-dt/tau)) (x_inf - x) with tau = -1/B, x_inf = -A/B.
  exponential: `
    a = A
    b = B
    x_new = x + (1 - exp(b * dt)) * (-a / b - x)`,
  exact: `
    a = A
    b = B
    x_new = x + (1 - exp(b * dt)) * (-a / b - x)`,
};

export interface Scheme {
  stages: { name: string; value: Expr }[];
  update: Expr;
}

function compile(method: Method): Scheme {
  const issues = new IssueCollector('neuron', `scheme ${method}`);
  const lines = splitStatements('scheme', SOURCE[method], issues, { semicolons: false, flags: false }).map((st) => {
    const at = findAssign(st.tokens);
    return { name: st.tokens[0].text, value: parseExpr(st.tokens.slice(at + 1), st.end) };
  });
  issues.throwIfAny();
  const last = lines.pop();
  if (last?.name !== 'x_new') throw new Error(`scheme ${method}: last line must define x_new`);
  return { stages: lines, update: last.value };
}

export const SCHEMES: Record<Method, Scheme> = {
  explicit: compile('explicit'),
  midpoint: compile('midpoint'),
  rk4: compile('rk4'),
  exponential: compile('exponential'),
  exact: compile('exact'),
};
