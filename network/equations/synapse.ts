// parseSynapse: description → validated SynapseModel, or EquationErrors listing every problem.
import { temp, type Statement } from './ast.js';
import { readEquations, readParameters } from './declarations.js';
import { IssueCollector } from './errors.js';
import { readExpressionField, readStatements } from './fields.js';
import { resolveVariables, SiteNumbering, toParameters } from './finish.js';
import { readFunctions } from './functions.js';
import { decayFactor, planIntegration } from './integrate.js';
import { resolveExpr, type Scope } from './resolve.js';
import type { ModelParameter, ParseOptions, SynapseDescription, SynapseModel } from './types.js';

export function parseSynapse(desc: SynapseDescription, opts: ParseOptions): SynapseModel {
  const name = desc.name ?? 'synapse';
  const issues = new IssueCollector('synapse', name);
  const seen = new Set<string>();
  const functions = readFunctions(desc.functions ?? '', issues);
  const params = readParameters(desc.parameters ?? '', 'synapse', seen, issues);
  const vars = readEquations(desc.equations ?? '', 'synapse', desc.method ?? 'explicit', seen, issues);
  const constants = new Set(opts.constants);
  const preRefs = new Set<string>();
  const postRefs = new Set<string>();
  const declared = [...new Set([...params.map((p) => p.name), ...vars.map((v) => v.name), 'w'])];

  const scope: Scope = {
    isName: (n) => seen.has(n) || constants.has(n) || ['t', 'dt', 'w', 'g_target'].includes(n),
    expected: 'a parameter, variable, constant, w or g_target',
    declared,
    functions,
    allowScoped: true,
    allowSum: false,
    onScoped: (s, n) => (s === 'pre' ? preRefs : postRefs).add(n),
  };
  const variables = resolveVariables(vars, scope, issues);
  const statements = (field: string, text: string | undefined): Statement[] =>
    readStatements(field, text ?? '', issues).map((s) => resolveSynapseStatement(s, scope, issues));
  const preSpike = statements('preSpike', desc.preSpike);
  const postSpike = statements('postSpike', desc.postSpike);
  const pspRaw = readExpressionField('psp', desc.psp ?? '', issues);
  const psp = pspRaw ? resolveExpr(pspRaw, scope, issues) : undefined;
  // Integration problems (non-linear exponential ODE, …) are model errors too: report them now.
  if (issues.issues.length === 0) {
    planIntegration(variables, issues);
    for (const v of variables.filter((x) => x.eventDriven)) decayFactor(v, variables, temp('elapsed', v.span), issues);
  }
  issues.throwIfAny();

  // The weight always exists; an undeclared one is a per-synapse value set by the projection.
  const weight: ModelParameter[] = seen.has('w') ? [] : [{ name: 'w', value: 0, shared: false, type: 'float' }];
  const sites = new SiteNumbering();
  const model: SynapseModel = {
    name,
    parameters: [...toParameters(params), ...weight],
    variables: sites.variables(variables),
    preSpike: sites.statements(preSpike),
    postSpike: sites.statements(postSpike),
    ...(psp ? { psp: sites.expr(psp) } : {}),
    preRefs: [...preRefs].sort(),
    postRefs: [...postRefs].sort(),
    usesRandom: false,
  };
  model.usesRandom = sites.used;
  return model;
}

function resolveSynapseStatement(s: Statement, scope: Scope, issues: IssueCollector): Statement {
  const { scope: side, name } = s.target;
  if (side) scope.onScoped?.(side, name);
  else if (name === 't' || name === 'dt') issues.report(s.span, name, `cannot assign to '${name}'`);
  else if (!scope.declared.includes(name) && name !== 'g_target') {
    issues.report(s.span, name, `cannot assign to '${name}' — expected a synapse parameter or variable, w, g_target, pre.x or post.x (declared: ${scope.declared.join(', ')})`);
  }
  return { ...s, value: resolveExpr(s.value, scope, issues) };
}
