// parseNeuron: description → validated NeuronModel, or EquationErrors listing every problem.
import { num, type Expr, type Statement } from './ast.js';
import { readEquations, readParameters } from './declarations.js';
import { IssueCollector } from './errors.js';
import { readExpressionField, readStatements } from './fields.js';
import { resolveVariables, SiteNumbering, toParameters } from './finish.js';
import { readFunctions } from './functions.js';
import { planIntegration } from './integrate.js';
import { resolveExpr, type Scope } from './resolve.js';
import type { NeuronDescription, NeuronModel, ParseOptions } from './types.js';

const CONDUCTANCE = /^g_[A-Za-z0-9_]+$/;

export function parseNeuron(desc: NeuronDescription, opts: ParseOptions): NeuronModel {
  const name = desc.name ?? 'neuron';
  const issues = new IssueCollector('neuron', name);
  const seen = new Set<string>();
  const functions = readFunctions(desc.functions ?? '', issues);
  const params = readParameters(desc.parameters ?? '', 'neuron', seen, issues);
  const vars = readEquations(desc.equations ?? '', 'neuron', desc.method ?? 'explicit', seen, issues);
  const constants = new Set(opts.constants);
  const conductances = new Set(vars.map((v) => v.name).filter((n) => CONDUCTANCE.test(n)));
  const sums = new Set<string>();
  const declared = [...params, ...vars].map((d) => d.name);

  const scope: Scope = {
    isName: (n) => seen.has(n) || constants.has(n) || n === 't' || n === 'dt' || CONDUCTANCE.test(n),
    expected: 'a parameter, variable or constant',
    declared,
    functions,
    allowScoped: false,
    allowSum: true,
    onIdent: (n) => { if (CONDUCTANCE.test(n)) conductances.add(n); },
    onSum: (t) => sums.add(t),
  };
  const variables = resolveVariables(vars, scope, issues);
  const spikeRaw = readExpressionField('spike', desc.spike ?? '', issues);
  const spike = spikeRaw ? resolveExpr(spikeRaw, scope, issues) : undefined;
  const reset = readStatements('reset', desc.reset ?? '', issues).map((s) => resolveNeuronStatement(s, scope, issues));
  const refractory = readRefractory(desc.refractory, { ...scope, isName: (n) => constants.has(n) || params.some((p) => p.name === n), expected: 'a parameter or constant' }, issues);
  // Integration problems (non-linear exponential ODE, …) are model errors too: report them now.
  if (issues.issues.length === 0) planIntegration(variables, issues);
  issues.throwIfAny();

  const sites = new SiteNumbering();
  const model: NeuronModel = {
    name,
    parameters: toParameters(params),
    variables: sites.variables(variables),
    ...(spike ? { spike: sites.expr(spike) } : {}),
    reset: sites.statements(reset),
    ...(refractory ? { refractory } : {}),
    conductances: [...conductances].sort(),
    sums: [...sums].sort(),
    usesRandom: false,
  };
  model.usesRandom = sites.used;
  return model;
}

function resolveNeuronStatement(s: Statement, scope: Scope, issues: IssueCollector): Statement {
  const { name } = s.target;
  if (s.target.scope) issues.report(s.span, `${s.target.scope}.${name}`, `'${s.target.scope}.${name}' is only allowed in synapse descriptions`);
  else if (name === 't' || name === 'dt') issues.report(s.span, name, `cannot assign to '${name}'`);
  else if (!scope.declared.includes(name) && !CONDUCTANCE.test(name)) {
    issues.report(s.span, name, `cannot assign to '${name}' — expected a parameter or variable of the neuron (declared: ${scope.declared.join(', ') || 'none'})`);
  } else scope.onIdent?.(name);
  return { ...s, value: resolveExpr(s.value, scope, issues) };
}

function readRefractory(value: number | string | undefined, scope: Scope, issues: IssueCollector): Expr | undefined {
  const span = { field: 'refractory', line: 1, column: 1 };
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return num(value, span);
    issues.report(span, String(value), 'refractory period must be a finite number of ms ≥ 0');
    return undefined;
  }
  const e = readExpressionField('refractory', value, issues);
  return e ? resolveExpr(e, scope, issues) : undefined;
}
