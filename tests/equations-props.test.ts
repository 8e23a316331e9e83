import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  emitConditionCpp, emitCpp, emitStatementCpp, emitStepCpp, EquationErrors, evaluate, integrate, parseNeuron, parseSynapse,
  type CppContext, type Expr, type NeuronModel, type SynapseModel,
} from '../network/equations/index.js';

// Emitted C++ may contain only: resolver outputs (id_N, rnd_*, sum_N), generated temporaries,
// numeric literals, operators, parentheses and whitelisted math functions (the runtime's shared
// ss::math ones, or the std:: / C float ones).
const FUNCS = 'exp|log|log10|log2|sqrt|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|fabs|floor|ceil|round|pow|fmin|fmax|fmod';
const ALLOWED = new RegExp([
  String.raw`\s+`, `(?:std|ss::math)::(?:${FUNCS})f?\\b`, `(?:${FUNCS})f\\b`, String.raw`id_\d+\b`, String.raw`rnd_(?:uniform|normal)_\d+\b`,
  String.raw`sum_\d+\b`, String.raw`_[a-z0-9]+_id_\d+\b`, 'const double',
  String.raw`\d+(?:\.\d*)?(?:e[+-]?\d+)?f?\b`, '&&', String.raw`\|\|`, '[<>=!+\\-*/]=', String.raw`[-+*/<>=!?:(),;]`,
].join('|'), 'g');

function checkCpp(text: string): void {
  assert.equal(text.replace(ALLOWED, ''), '', `unexpected text in emitted C++: ${text}`);
}

/** A context whose identifiers are opaque ids, accepting only names the model may legally name. */
function context(legal: (scope: string | undefined, name: string) => boolean): CppContext {
  const ids = new Map<string, string>();
  return {
    identifier(scope, name) {
      assert.ok(legal(scope, name), `resolver asked for an undeclared name ${scope ?? ''}.${name}`);
      const key = `${scope ?? ''}.${name}`;
      if (!ids.has(key)) ids.set(key, `id_${ids.size}`);
      return ids.get(key) as string;
    },
    random: (kind, args, site) => `rnd_${kind}_${site}(${args.join(', ')})`,
    sum: (target) => `sum_${target.length}`,
  };
}

function emitAll(model: NeuronModel | SynapseModel, ctx: CppContext, kind: 'neuron' | 'synapse'): string[] {
  const out: string[] = [];
  // Temporaries are named after variables; map them to opaque names so the check stays strict.
  const tempCtx = (s: string) => s.replace(/^(_[a-z0-9]+)_[A-Za-z0-9_]+/, (_, p) => `${p}_id_0`);
  for (const v of model.variables) out.push(emitCpp(v.rhs, ctx), ...(v.min ? [emitCpp(v.min, ctx)] : []), ...(v.max ? [emitCpp(v.max, ctx)] : []));
  for (const s of integrate(model.variables, { modelKind: kind, model: model.name }).steps) {
    const renamed = s.kind === 'temp' ? { ...s, name: tempCtx(s.name) } : s;
    out.push(emitStepCpp(renamed, ctx).replace(/\b_[a-z0-9]+_[A-Za-z0-9_]+/g, (m) => tempCtx(m)));
  }
  if ('spike' in model && model.spike) out.push(emitConditionCpp(model.spike, { ...ctx, precision: 'float' }));
  if ('refractory' in model && model.refractory) out.push(emitCpp(model.refractory, ctx));
  const statements = 'reset' in model ? model.reset : [...model.preSpike, ...model.postSpike];
  for (const s of statements) out.push(emitStatementCpp(s, ctx));
  if ('psp' in model && model.psp) out.push(emitCpp(model.psp, ctx));
  return out;
}

function neuronLegal(model: NeuronModel, constants: string[]) {
  const names = new Set([...model.parameters.map((p) => p.name), ...model.variables.map((v) => v.name), ...constants, 't', 'dt']);
  return (scope: string | undefined, name: string) => scope === undefined && (names.has(name) || /^g_\w+$/.test(name));
}

const SOUP = fc.array(fc.constantFrom(
  'v', 'u', 'tau', 'dv/dt', 'du/dt', '=', '+=', '(', ')', '+', '-', '*', '/', '^', '**', '%', ':', 'init', ',', 'exp', 'pow',
  'sum(exc)', 'Uniform(0, 1)', 'Normal', '1.5', '2e3', '.5', ' ', '\n', ';', '#', 'pre.x', 'post.y', 'and', 'or', 'not', '>', '<=',
  '==', 'ite', 'clip', 'g_exc', '"', '{', '`', '$', '\\', 'population', 'event-driven', 'min', 'max', 'f(v)', 'dt', 't', 'w',
  'g_target', 'exponential', 'rk4', 'midpoint', 'exact', 'int', 'True', '1e999', 'system', '_x',
), { maxLength: 40 }).map((parts) => parts.join(''));
// Mostly well-formed lines with occasional noise, so that the success path is exercised too.
const rare = <T>(common: fc.Arbitrary<T>, noise: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: common }, { weight: 1, arbitrary: noise });
const OPERAND = rare(
  fc.constantFrom('v', 'tau', '1.5', '2', 'exp(v)', 'Uniform(0, 1)', 't', 'dt', 'pos(v)', '(v - 1)', 'ite(v > 1, v, 2)', 'clip(v, -1, 1)', 'v^2', 'Normal(v, 1) % 3'),
  fc.constantFrom('u', 'q', 'pre.v', 'g_exc', 'k', 'w', 'sum(exc)', 'f(v)'),
);
const OP = rare(fc.constantFrom('+', '-', '*', '/', '^', '%', '>', 'and', 'or', '=='), fc.constantFrom(')', '', '"', ';', ':'));
const NEAR_EXPR = fc.tuple(fc.array(OPERAND, { minLength: 1, maxLength: 5 }), fc.array(OP, { minLength: 5, maxLength: 5 }))
  .map(([xs, ops]) => xs.map((x, i) => (i === 0 ? x : `${ops[i]} ${x}`)).join(' '));
const FLAGS = rare(fc.constantFrom('', '', '', ' : init = -60', ' : exponential', ' : rk4, min = -1', ' : midpoint', ' : exact', ' : population'),
  fc.constantFrom(' : event-driven', ' : bogus', ' : init = v'));
const LINE = fc.tuple(rare(fc.constantFrom('tau * dx/dt', 'r', 'tau*dy/dt + y'), fc.constantFrom('v', 'dt', 'tau')), NEAR_EXPR, FLAGS)
  .map(([l, r, f]) => `${l} = ${r}${f}`);
const LINES = fc.tuple(NEAR_EXPR, fc.array(LINE, { maxLength: 3 })).map(([first, ls]) => [`dv/dt = ${first}`, ...ls].join('\n'));
const TEXT = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }), SOUP, LINES, NEAR_EXPR);
const EQUATIONS = fc.oneof({ weight: 4, arbitrary: LINES }, { weight: 1, arbitrary: TEXT });
const OPTIONAL = fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: TEXT }, { weight: 1, arbitrary: NEAR_EXPR });

describe('equations properties', () => {
  it('arbitrary neuron text: EquationErrors or a model whose C++ is made only of safe tokens', () => {
    let built = 0;
    fc.assert(fc.property(OPTIONAL, EQUATIONS, OPTIONAL, OPTIONAL, OPTIONAL, (parameters, equations, spike, reset, functions) => {
      const constants = ['k'];
      let model: NeuronModel;
      try {
        model = parseNeuron({ name: 'fuzz', parameters: `tau = 10.0\n${parameters}`, equations, spike, reset, functions }, { constants });
      } catch (e) {
        assert.ok(e instanceof EquationErrors, `threw ${String(e)}`);
        assert.ok(e.issues.length > 0);
        for (const i of e.issues) assert.ok(i.line >= 1 && i.column >= 1 && e.message.includes(`'fuzz'`));
        return;
      }
      if (model.variables.length > 0) built++;
      for (const text of emitAll(model, context(neuronLegal(model, constants)), 'neuron')) checkCpp(text);
    }), { numRuns: 400 });
    assert.ok(built >= 15, `only ${built} generated inputs produced a model with variables`);
  });

  it('arbitrary synapse text: EquationErrors or safe C++', () => {
    let built = 0;
    fc.assert(fc.property(EQUATIONS, OPTIONAL, OPTIONAL, OPTIONAL, (equations, preSpike, postSpike, psp) => {
      let model: SynapseModel;
      try {
        model = parseSynapse({ name: 'fuzz', parameters: 'tau = 5.0', equations, preSpike, postSpike, psp }, { constants: [] });
      } catch (e) {
        assert.ok(e instanceof EquationErrors, `threw ${String(e)}`);
        return;
      }
      const names = new Set([...model.parameters.map((p) => p.name), ...model.variables.map((v) => v.name), 't', 'dt', 'g_target']);
      const legal = (scope: string | undefined, name: string) => scope !== undefined ? /^\w+$/.test(name) : names.has(name);
      if (model.variables.length > 0) built++;
      for (const text of emitAll(model, context(legal), 'synapse')) checkCpp(text);
    }), { numRuns: 300 });
    assert.ok(built >= 12, `only ${built} generated inputs produced a model with variables`);
  });

  // Well-formed trees, printed fully parenthesised: parsing must succeed, the C++ must be safe and
  // the parsed tree must compute the same value as the generated one.
  type Tree = { text: string; value: number };
  const VARS: Record<string, number> = { a: 1.5, b: -2, c: 0.25, v: 3 };
  const leaf: fc.Arbitrary<Tree> = fc.oneof(
    fc.constantFrom(...Object.keys(VARS)).map((n) => ({ text: n, value: VARS[n] })),
    fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => ({ text: String(x), value: x })),
    fc.integer({ min: 0, max: 9 }).map((x) => ({ text: String(x), value: x })),
  );
  const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('tree'), fc.constantFrom('+', '-', '*', '/', '^', '<', '>=', '==', 'and', 'or'), tie('tree')).map(([l, op, r]) => ({
        text: `(${l.text} ${op} ${r.text})`,
        value: op === '+' ? l.value + r.value : op === '-' ? l.value - r.value : op === '*' ? l.value * r.value
          : op === '/' ? l.value / r.value : op === '^' ? Math.pow(l.value, r.value) : op === '<' ? +(l.value < r.value)
          : op === '>=' ? +(l.value >= r.value) : op === '==' ? +(l.value === r.value)
          : op === 'and' ? +(l.value !== 0 && r.value !== 0) : +(l.value !== 0 || r.value !== 0),
      })),
      tie('tree').map((x) => ({ text: `(-${x.text})`, value: -x.value })),
      tie('tree').map((x) => ({ text: `exp(${x.text})`, value: Math.exp(x.value) })),
      fc.tuple(tie('tree'), tie('tree')).map(([x, y]) => ({ text: `max(${x.text}, ${y.text})`, value: Math.max(x.value, y.value) })),
      fc.tuple(tie('tree'), tie('tree'), tie('tree')).map(([c, x, y]) => ({ text: `ite(${c.text}, ${x.text}, ${y.text})`, value: c.value !== 0 ? x.value : y.value })),
    ),
  }));

  it('well-formed expressions parse, emit safe C++ and evaluate like the generated tree', () => {
    fc.assert(fc.property(tree, (t) => {
      const model = parseNeuron({ parameters: 'a = 1.5\nb = -2\nc = 0.25', equations: `dv/dt = ${t.text}\nr = ${t.text}` }, { constants: [] });
      const r = model.variables.find((x) => x.name === 'r')?.rhs as Expr;
      const got = evaluate(r, { vars: VARS });
      assert.ok(Object.is(got, t.value) || got === t.value, `${t.text}: ${got} vs ${t.value}`);
      for (const text of emitAll(model, context(neuronLegal(model, [])), 'neuron')) checkCpp(text);
    }), { numRuns: 300 });
  });
});
