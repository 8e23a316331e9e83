import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  emitConditionCpp, emitCpp, emitStatementCpp, emitStepCpp, EquationErrors, evaluate, eventDrivenDecay, integrate,
  linearCoefficients, parseNeuron, parseSynapse,
  type CppContext, type Expr, type Method, type ModelVariable, type NeuronDescription, type UpdatePlan,
} from '../network/equations/index.js';

const ctx: CppContext = {
  identifier: (scope, name) => (scope ? `${scope}_${name}[j]` : `${name}[i]`),
  random: (kind, args, site) => `rng_${kind}(${site}, ${args.join(', ')})`,
  sum: (target) => `sum_${target}[i]`,
};
const NO_CONSTANTS = { constants: [] as string[] };

function variable(model: { variables: ModelVariable[] }, name: string): ModelVariable {
  const v = model.variables.find((x) => x.name === name);
  assert.ok(v, `variable ${name}`);
  return v;
}

/** Runs one step of a plan on `vars` (in place), as generated code would. */
function runPlan(plan: UpdatePlan, vars: Record<string, number>): void {
  const temps: Record<string, number> = {};
  for (const s of plan.steps) {
    const v = evaluate(s.value, { vars, temps });
    if (s.kind === 'temp') temps[s.name] = v;
    else vars[s.variable] = v;
  }
}

function errorsOf(f: () => unknown): EquationErrors {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof EquationErrors, `expected EquationErrors, got ${String(e)}`);
    return e;
  }
  assert.fail('expected EquationErrors');
}

const CUBA: NeuronDescription = {
  name: 'CUBA',
  parameters: `
    El = -49.0 : population   # resting potential
    Vr = -60.0 : population
    Vt = -50.0 : population
    tau_m = 20.0 : population
    tau_e = 5.0; tau_i = 10.0
  `,
  equations: `
    tau_m * dv/dt = (El - v) + g_exc + g_inh : init = -60
    tau_e * dg_exc/dt = -g_exc : exponential
    tau_i * dg_inh/dt = -g_inh : exponential
  `,
  spike: 'v > Vt',
  reset: 'v = Vr',
  refractory: 5.0,
};

describe('parseNeuron: reference models', () => {
  it('parses CUBA with parameters, flags, conductances, spike, reset and refractory', () => {
    const m = parseNeuron(CUBA, NO_CONSTANTS);
    assert.equal(m.name, 'CUBA');
    assert.deepEqual(m.parameters.map((p) => [p.name, p.value, p.shared]), [
      ['El', -49, true], ['Vr', -60, true], ['Vt', -50, true], ['tau_m', 20, true], ['tau_e', 5, false], ['tau_i', 10, false],
    ]);
    assert.deepEqual(m.variables.map((v) => [v.name, v.ode, v.method, v.init]), [
      ['v', true, 'explicit', -60], ['g_exc', true, 'exponential', 0], ['g_inh', true, 'exponential', 0],
    ]);
    assert.deepEqual(m.conductances, ['g_exc', 'g_inh']);
    assert.equal(m.usesRandom, false);
    const env = { vars: { El: -49, tau_m: 20, v: -55, g_exc: 2, g_inh: -1, Vt: -50, Vr: -60 } };
    assert.equal(evaluate(variable(m, 'v').rhs, env), ((-49 + 55) + 2 - 1) / 20);
    assert.equal(evaluate(m.spike as Expr, env), 0);
    assert.equal(evaluate(m.spike as Expr, { vars: { ...env.vars, v: -49.9 } }), 1);
    assert.equal(m.reset.length, 1);
    assert.equal(emitStatementCpp(m.reset[0], ctx), 'v[i] = Vr[i];');
    assert.equal(evaluate(m.refractory as Expr, { vars: {} }), 5);
    assert.equal(emitConditionCpp(m.spike as Expr, ctx), '(v[i] > Vt[i])');
  });

  it('parses COBA (conductance-based, reversal potentials, drive)', () => {
    const m = parseNeuron({
      name: 'COBA',
      parameters: 'El = -60.0\nEe = 0.0\nEi = -80.0\ntau_m = 20.0\ntau_e = 5.0\ntau_i = 10.0\nI = 20.0\nVt = -50.0\nVr = -60.0',
      equations: `
        tau_m * dv/dt = (El - v) + g_exc * (Ee - v) + g_inh * (Ei - v) + I : init = -60.0
        tau_e * dg_exc/dt = - g_exc
        tau_i * dg_inh/dt = - g_inh`,
      spike: 'v > Vt', reset: 'v = Vr', refractory: 'tau_e',
    }, NO_CONSTANTS);
    const env = { vars: { El: -60, Ee: 0, Ei: -80, tau_m: 20, I: 20, v: -55, g_exc: 4, g_inh: 20 } };
    assert.equal(evaluate(variable(m, 'v').rhs, env), ((-60 + 55) + 4 * 55 + 20 * (-80 + 55) + 20) / 20);
    assert.deepEqual(m.refractory, { kind: 'ident', name: 'tau_e', span: { field: 'refractory', line: 1, column: 1 } });
  });

  it('parses Izhikevich (v^2, several ODEs, min/max flags) and emits v^2 as a product', () => {
    const m = parseNeuron({
      name: 'Izhikevich',
      parameters: 'a = 0.02\nb = 0.2\nc = -65.0\nd = 8.0\nI = 10.0',
      equations: `
        dv/dt = 0.04*v^2 + 5*v + 140 - u + I : init = -65, min = -90.0, max = 30
        du/dt = a*(b*v - u) : init = -13.0`,
      spike: 'v >= 30.0', reset: 'v = c\nu += d',
    }, NO_CONSTANTS);
    const env = { vars: { a: 0.02, b: 0.2, I: 10, v: -65, u: -13 } };
    assert.ok(Math.abs(evaluate(variable(m, 'v').rhs, env) - (0.04 * 65 * 65 - 5 * 65 + 140 + 13 + 10)) < 1e-12);
    assert.ok(Math.abs(evaluate(variable(m, 'u').rhs, env) - 0.02 * (0.2 * -65 + 13)) < 1e-15);
    assert.equal(emitCpp(variable(m, 'v').rhs, ctx),
      '((((((0.04 * (v[i] * v[i])) + (5.0 * v[i])) + 140.0) - u[i]) + I[i]) / 1.0)'.replace(' / 1.0)', '').replace(/^\(/, ''));
    assert.deepEqual(m.reset.map((s) => emitStatementCpp(s, ctx)), ['v[i] = c[i];', 'u[i] += d[i];']);
    // max = 30 clamps the Euler update.
    const vars = { ...env.vars, v: 29, u: 0 };
    runPlan(integrate(m.variables, { modelKind: 'neuron', model: 'Izhikevich' }), Object.assign(vars, { dt: 1 }));
    assert.equal(vars.v, 30);
  });

  it('parses AdEx (exp of the membrane potential, adaptation current)', () => {
    const m = parseNeuron({
      name: 'AdEx',
      parameters: 'C = 281.0\ngL = 30.0\nEL = -70.6\nVT = -50.4\nDeltaT = 2.0\ntau_w = 144.0\na = 4.0\nb = 0.0805\nVr = -70.6\nI = 0.0',
      equations: `
        C * dv/dt = -gL * (v - EL) + gL * DeltaT * exp((v - VT)/DeltaT) - w + I : init = -70.6
        tau_w * dw/dt = a * (v - EL) - w`,
      spike: 'v > 0.0', reset: 'v = Vr; w += b',
    }, NO_CONSTANTS);
    const p = { C: 281, gL: 30, EL: -70.6, VT: -50.4, DeltaT: 2, tau_w: 144, a: 4, I: 0, v: -60, w: 1 };
    const expected = (-30 * (-60 + 70.6) + 30 * 2 * Math.exp((-60 + 50.4) / 2) - 1) / 281;
    assert.ok(Math.abs(evaluate(variable(m, 'v').rhs, { vars: p }) - expected) < 1e-15);
    assert.equal(m.reset.length, 2);
  });

  it('parses Hodgkin–Huxley with functions inlined (no call to a user function remains)', () => {
    const m = parseNeuron({
      name: 'HH',
      parameters: 'C = 1.0\ngNa = 120.0\ngK = 36.0\ngL = 0.3\nENa = 50.0\nEK = -77.0\nEL = -54.387\nI = 10.0',
      functions: `
        alpha_n(V) = 0.01 * (V + 55.0) / (1.0 - exp(-(V + 55.0)/10.0))
        beta_n(V) = 0.125 * exp(-(V + 65.0)/80.0)
        alpha_m(V) = 0.1 * (V + 40.0) / (1.0 - exp(-(V + 40.0)/10.0))
        beta_m(V) = 4.0 * exp(-(V + 65.0)/18.0)
        alpha_h(V) = 0.07 * exp(-(V + 65.0)/20.0)
        beta_h(V) = 1.0 / (1.0 + exp(-(V + 35.0)/10.0))
        tau_of(a, b) = 1.0 / (a + b)`,
      equations: `
        I_ion = gNa * m^3 * h * (v - ENa) + gK * n^4 * (v - EK) + gL * (v - EL)
        C * dv/dt = I - I_ion : init = -65.0
        dn/dt = alpha_n(v) * (1 - n) - beta_n(v) * n : init = 0.3177, exponential
        dm/dt = alpha_m(v) * (1 - m) - beta_m(v) * m : init = 0.0529, exponential
        dh/dt = alpha_h(v) * (1 - h) - beta_h(v) * h : init = 0.5961, exponential
        tau_n = tau_of(alpha_n(v), beta_n(v))`,
      spike: 'v > 0.0 and v < 40', method: 'rk4',
    }, NO_CONSTANTS);
    const calls = (e: Expr): string[] => e.kind === 'call' ? [e.fn, ...e.args.flatMap(calls)]
      : e.kind === 'binary' ? [...calls(e.left), ...calls(e.right)] : e.kind === 'unary' ? calls(e.arg) : [];
    for (const v of m.variables) assert.ok(calls(v.rhs).every((f) => f === 'exp'), `${v.name}: ${calls(v.rhs)}`);
    assert.equal(variable(m, 'v').method, 'rk4');
    const V = -60;
    const an = 0.01 * (V + 55) / (1 - Math.exp(-(V + 55) / 10));
    const bn = 0.125 * Math.exp(-(V + 65) / 80);
    assert.ok(Math.abs(evaluate(variable(m, 'n').rhs, { vars: { v: V, n: 0.3 } }) - (an * 0.7 - bn * 0.3)) < 1e-15);
    assert.ok(Math.abs(evaluate(variable(m, 'tau_n').rhs, { vars: { v: V } }) - 1 / (an + bn)) < 1e-12);
    const lin = linearCoefficients(variable(m, 'n').rhs, 'n');
    assert.ok(lin);
    assert.ok(Math.abs(evaluate(lin.B, { vars: { v: V } }) - -(an + bn)) < 1e-15);
    // Plan order follows ANNarchy: I_ion (assignment), then the ODE block, then tau_n.
    const plan = integrate(m.variables, { modelKind: 'neuron', model: 'HH' });
    const assigns = plan.steps.filter((s) => s.kind === 'assign').map((s) => s.kind === 'assign' && s.variable);
    assert.deepEqual(assigns, ['I_ion', 'v', 'n', 'm', 'h', 'tau_n']);
  });

  it('inlines nested functions, each call with its own random site', () => {
    const m = parseNeuron({
      functions: 'sq(x) = x * x\nsq2(x, y) = sq(x) + sq(y)',
      equations: 'r = sq2(Uniform(0.0, 1.0), 2) + Normal(0, 1)',
    }, NO_CONSTANTS);
    assert.equal(m.usesRandom, true);
    const text = emitCpp(variable(m, 'r').rhs, ctx);
    assert.equal(text, '(((rng_uniform(0, 0.0, 1.0) * rng_uniform(1, 0.0, 1.0)) + (2.0 * 2.0)) + rng_normal(2, 0.0, 1.0))');
  });

  it('accepts the normalisations tau*dv/dt + v = rhs and dv/dt + v/tau = rhs', () => {
    const m = parseNeuron({
      parameters: 'tau = 10.0\nE = 2.0',
      equations: 'tau*dv/dt + v = E\n2*tau*du/dt - E = -u',
    }, NO_CONSTANTS);
    const env = { vars: { tau: 10, E: 2, v: 1, u: 3 } };
    assert.equal(evaluate(variable(m, 'v').rhs, env), (2 - 1) / 10);
    assert.equal(evaluate(variable(m, 'u').rhs, env), (-3 + 2) / 20);
  });

  it('knows constants, t, dt, sum() targets and parameter types', () => {
    const m = parseNeuron({
      parameters: 'n = 3 : int, population\nflag = True : bool\nscale = 2 * 1.5e-1',
      equations: 'r = sum(exc) - sum(inh) + gamma * t + dt + ite(flag and n > 2, 1, 0)',
    }, { constants: ['gamma'] });
    assert.deepEqual(m.parameters.map((p) => [p.name, p.value, p.type, p.shared]), [['n', 3, 'int', true], ['flag', 1, 'bool', false], ['scale', 0.3, 'float', false]]);
    assert.deepEqual(m.sums, ['exc', 'inh']);
    assert.equal(emitCpp(variable(m, 'r').rhs, ctx),
      '(((((sum_exc[i] - sum_inh[i]) + (gamma[i] * t[i])) + dt[i]) + (((flag[i] != 0.0) && (n[i] > 2.0)) ? 1.0 : 0.0)))'.slice(1, -1));
  });
});

describe('parseSynapse', () => {
  const STDP = {
    name: 'STDP',
    parameters: `
      tau_plus = 20.0 : projection
      tau_minus = 20.0 : projection
      A_plus = 0.01 : projection
      A_minus = 0.0105 : projection
      w_max = 0.01 : projection`,
    equations: `
      tau_plus * dx/dt = -x : event-driven
      tau_minus * dy/dt = -y : event-driven`,
    preSpike: `
      g_target += w
      x += A_plus * w_max
      w = clip(w - y, 0.0, w_max)`,
    postSpike: `
      y += A_minus * w_max
      w = clip(w + x, 0.0, w_max)`,
  };

  it('parses STDP: event-driven traces, implicit w, g_target, clip', () => {
    const m = parseSynapse(STDP, NO_CONSTANTS);
    assert.deepEqual(m.variables.map((v) => [v.name, v.eventDriven, v.shared]), [['x', true, false], ['y', true, false]]);
    assert.deepEqual(m.parameters.at(-1), { name: 'w', value: 0, shared: false, type: 'float' });
    assert.deepEqual(m.preSpike.map((s) => emitStatementCpp(s, ctx)), [
      'g_target[i] += w[i];',
      'x[i] += (A_plus[i] * w_max[i]);',
      'w[i] = std::fmin(std::fmax((w[i] - y[i]), 0.0), w_max[i]);',
    ]);
    const clip = m.postSpike[1].value;
    assert.equal(evaluate(clip, { vars: { w: 0.009, x: 0.005, w_max: 0.01 } }), 0.01);
    assert.equal(evaluate(clip, { vars: { w: 0.002, x: 0.005, w_max: 0.01 } }), 0.007);
    // Event-driven plans skip the traces; their decay is closed form.
    assert.deepEqual(integrate(m.variables, { modelKind: 'synapse', model: 'STDP' }).steps, []);
    const elapsed: Expr = { kind: 'temp', name: '_elapsed', span: { field: 'x', line: 1, column: 1 } };
    const decay = eventDrivenDecay(variable(m, 'x'), elapsed, { modelKind: 'synapse', model: 'STDP' });
    assert.ok(Math.abs(evaluate(decay, { vars: { tau_plus: 20 }, temps: { _elapsed: 7 } }) - Math.exp(-7 / 20)) < 1e-15);
  });

  it('records pre./post. references and psp', () => {
    const m = parseSynapse({ parameters: 'k = 2.0', psp: 'w * pre.r', postSpike: 'post.u += k * pre.r' }, NO_CONSTANTS);
    assert.deepEqual([m.preRefs, m.postRefs], [['r'], ['u']]);
    assert.equal(emitCpp(m.psp as Expr, ctx), '(w[i] * pre_r[j])');
    assert.equal(emitStatementCpp(m.postSpike[0], ctx), 'post_u[j] += (k[i] * pre_r[j]);');
  });

  it('rejects an event-driven trace that does not decay to zero', () => {
    const e = errorsOf(() => parseSynapse({ parameters: 'tau = 5.0', equations: 'tau * dx/dt = 1 - x : event-driven' }, NO_CONSTANTS));
    assert.match(e.message, /synapse 'synapse', equations line 1, column 7: event-driven variable 'x' must decay to zero/);
  });
});

describe('integrate: schemes against the analytic solution of dx/dt = (a - x)/tau', () => {
  const a = 1.5, tau = 10, T = 10, x0 = -2;
  const exact = a + (x0 - a) * Math.exp(-T / tau);
  const run = (method: Method, dt = 0.1): number => {
    const m = parseNeuron({ parameters: `a = ${a}\ntau = ${tau}`, equations: `tau * dx/dt = a - x : init = ${x0}, ${method}` }, NO_CONSTANTS);
    const plan = integrate(m.variables, { modelKind: 'neuron', model: method });
    const vars: Record<string, number> = { a, tau, dt, t: 0, x: variable(m, 'x').init };
    for (let i = 0; i < Math.round(T / dt); i++) { runPlan(plan, vars); vars.t += dt; }
    return vars.x;
  };
  // Halving dt divides the global error by 2^order.
  const order = (method: Method): number => Math.log2(Math.abs(run(method, 0.2) - exact) / Math.abs(run(method, 0.1) - exact));

  it('explicit Euler matches the recurrence x += dt*(a-x)/tau and is first order', () => {
    let x = x0;
    for (let i = 0; i < 100; i++) x += 0.1 * (a - x) / tau;
    assert.ok(Math.abs(run('explicit') - x) < 1e-12);
    assert.ok(Math.abs(order('explicit') - 1) < 0.05, `order ${order('explicit')}`);
  });

  it('midpoint is second order', () => {
    assert.ok(Math.abs(order('midpoint') - 2) < 0.05, `order ${order('midpoint')}`);
    assert.ok(Math.abs(run('midpoint') - exact) < 1e-4);
  });

  it('rk4 is fourth order', () => {
    assert.ok(Math.abs(order('rk4') - 4) < 0.1, `order ${order('rk4')}`);
    assert.ok(Math.abs(run('rk4') - exact) < 1e-8);
  });

  it('exponential and exact are exact for linear ODEs', () => {
    assert.ok(Math.abs(run('exponential') - exact) < 1e-12);
    assert.ok(Math.abs(run('exact', 1) - exact) < 1e-12);
  });

  it('midpoint evaluates time-dependent right-hand sides at t + dt/2', () => {
    const m = parseNeuron({ equations: 'dx/dt = t : midpoint' }, NO_CONSTANTS);
    const vars = { t: 3, dt: 0.5, x: 0 };
    runPlan(integrate(m.variables, { modelKind: 'neuron', model: 'm' }), vars);
    assert.equal(vars.x, 0.5 * 3.25);
  });

  it('advances coupled ODEs together from start-of-step values', () => {
    const m = parseNeuron({ equations: 'dx/dt = y : init = 1\ndy/dt = -x' }, NO_CONSTANTS);
    const vars = { dt: 0.1, t: 0, x: 1, y: 0 };
    runPlan(integrate(m.variables, { modelKind: 'neuron', model: 'osc' }), vars);
    assert.deepEqual([vars.x, vars.y], [1, -0.1]);
    // Midpoint on the oscillator: one step equals the Taylor polynomial to second order.
    const mid = parseNeuron({ equations: 'dx/dt = y : midpoint\ndy/dt = -x : midpoint' }, NO_CONSTANTS);
    const v2 = { dt: 0.1, t: 0, x: 1, y: 0 };
    runPlan(integrate(mid.variables, { modelKind: 'neuron', model: 'osc' }), v2);
    assert.ok(Math.abs(v2.x - (1 - 0.005)) < 1e-15 && Math.abs(v2.y - -0.1) < 1e-15);
  });

  it('orders assignments and ODE runs as ANNarchy does', () => {
    const m = parseNeuron({ equations: 'before = 2 * v\ndv/dt = 1 : init = 5\nafter = 2 * v' }, NO_CONSTANTS);
    const vars = { dt: 1, t: 0, v: 5, before: 0, after: 0 };
    runPlan(integrate(m.variables, { modelKind: 'neuron', model: 'order' }), vars);
    assert.deepEqual([vars.before, vars.v, vars.after], [10, 6, 12]);
  });

  it('emits plan steps as C++ locals and assignments', () => {
    const m = parseNeuron({ parameters: 'tau = 10.0', equations: 'tau * dx/dt = -x : exponential' }, NO_CONSTANTS);
    const lines = integrate(m.variables, { modelKind: 'neuron', model: 'm' }).steps.map((s) => emitStepCpp(s, ctx));
    assert.deepEqual(lines, [
      'const double _a_x = 0.0;',
      'const double _b_x = ((-1.0) / tau[i]);',
      'x[i] = (x[i] + ((1.0 - ss::math::exp((_b_x * dt[i]))) * (((-_a_x) / _b_x) - x[i])));',
    ]);
  });

  it('rejects exponential on a non-linear ODE and exact on a coupled one', () => {
    const e = errorsOf(() => parseNeuron({ name: 'Iz', equations: 'dv/dt = 0.04*v^2 - u : exponential\ndu/dt = v - u : exact' }, NO_CONSTANTS));
    assert.equal(e.issues.length, 2);
    assert.match(e.issues[0].message, /method 'exponential' needs dv\/dt linear in v/);
    assert.match(e.issues[1].message, /method 'exact' needs du\/dt = A \+ B\*u with A and B free of other variables/);
  });
});

describe('errors name model, field, line, column and token', () => {
  const one = (desc: NeuronDescription): string => {
    const e = errorsOf(() => parseNeuron({ name: 'LIF', ...desc }, NO_CONSTANTS));
    assert.equal(e.issues.length, 1, e.message);
    return e.message.split('\n')[1].trim();
  };

  it('unknown identifier lists what is declared', () => {
    assert.equal(one({ parameters: 'tau_m = 10.0', equations: '\ntau_m * dv/dt = vt - v' }),
      "neuron 'LIF', equations line 2, column 17: unknown identifier 'vt' — expected a parameter, variable or constant (declared: tau_m, v)");
  });

  it('a max below the min of the same variable', () => {
    assert.equal(one({ equations: 'dv/dt = -v : min = 5, max = 1' }), "neuron 'LIF', equations line 1, column 23: max = 1 is below min = 5: the variable would be pinned at 1");
  });

  it('names every object has (__proto__, constructor, toString) are unknown like any other', () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      assert.match(one({ parameters: 'tau = 10.0', equations: 'dv/dt = -v / tau', spike: name }), new RegExp(`spike line 1, column 1: unknown identifier '${name}'`));
      assert.match(one({ parameters: 'tau = 10.0', equations: `dv/dt = ${name}(v)` }), new RegExp(`unknown function '${name}'`));
    }
  });

  it('wrong arity, unknown function, unknown flag, duplicate declaration', () => {
    assert.equal(one({ equations: 'dv/dt = pow(v)' }), "neuron 'LIF', equations line 1, column 9: function 'pow' takes 2 arguments, got 1");
    assert.match(one({ equations: 'dv/dt = sigmoid(v)' }), /equations line 1, column 9: unknown function 'sigmoid'/);
    assert.match(one({ equations: 'dv/dt = -v : init = 0, implicit' }), /equations line 1, column 24: unknown flag 'implicit' — expected one of init, min, max/);
    assert.match(one({ parameters: 'a = 1\n  a = 2' }), /parameters line 2, column 3: 'a' is declared twice/);
    assert.match(one({ parameters: 'a = 1', equations: 'a = 2' }), /equations line 1, column 1: 'a' is declared twice/);
    assert.match(one({ equations: 'dv/dt = -v : event-driven' }), /flag 'event-driven' is only allowed in synapses/);
    assert.match(one({ equations: 'v = 1 : init = 1 + x' }), /column 16: init must be a number expression/);
    assert.match(one({ parameters: 'a = b * 2' }), /parameter 'a' must be a number expression/);
  });

  it('injection attempts and stray characters are syntax errors', () => {
    assert.equal(one({ equations: 'dv/dt = -v', spike: 'v > 0); system("id"); (' }),
      "neuron 'LIF', spike line 1, column 16: unexpected character '\"'");
    assert.match(one({ equations: 'dv/dt = -v', spike: 'v > 0); exit(1' }), /spike line 1, column 6: unexpected '\)' — unbalanced parenthesis/);
    assert.match(one({ equations: 'dv/dt = -v', spike: 'v > 0; v < 1' }), /spike line 1, column 6: unexpected ';'/);
    assert.match(one({ equations: 'dv/dt = `rm -rf`' }), /column 9: unexpected character '`'/);
    assert.match(one({ equations: 'dv/dt = {v}' }), /column 9: unexpected character '\{'/);
    assert.match(one({ equations: "r = 'abc'" }), /column 5: unexpected character '''/);
  });

  it('unbalanced parentheses', () => {
    assert.match(one({ equations: 'dv/dt = (1 - v' }), /equations line 1, column 15: unbalanced parenthesis — expected \)/);
    assert.match(one({ equations: 'dv/dt = exp(v' }), /unbalanced parenthesis in call to 'exp'/);
  });

  it('assignment targets', () => {
    assert.match(one({ equations: 'dv/dt = -v', reset: 'dt = 1' }), /reset line 1, column 1: cannot assign to 'dt'/);
    assert.match(one({ equations: 'dv/dt = -v', reset: 'u = 1' }), /cannot assign to 'u'/);
    // Assigning to a parameter in reset is allowed, as in ANNarchy.
    assert.equal(parseNeuron({ parameters: 'a = 1', equations: 'dv/dt = -v', reset: 'a = 2\ng_exc = 0' }, NO_CONSTANTS).reset.length, 2);
  });

  it('functions: recursion and forward references', () => {
    assert.match(one({ functions: 'f(x) = f(x) + 1' }), /functions line 1, column 8: function 'f' calls itself/);
    assert.match(one({ functions: 'f(x) = g(x)\ng(x) = x' }), /function 'g' is declared later/);
    assert.match(one({ functions: 'f(x) = x + y' }), /unknown identifier 'y' — expected an argument of 'f'/);
  });

  it('collects every error of a model in one throw', () => {
    const e = errorsOf(() => parseNeuron({ name: 'Bad', parameters: 'a = 1\na = 2', equations: 'dv/dt = q\ndu/dt = exp()', spike: 'v >' }, NO_CONSTANTS));
    assert.deepEqual(e.issues.map((i) => [i.field, i.line, i.token]), [['parameters', 2, 'a'], ['equations', 1, 'q'], ['equations', 2, 'exp'], ['spike', 1, '']]);
    assert.match(e.message, /^4 errors in equations:/);
  });

  it('pre./post. and g_target are synapse-only; event-driven only on ODEs', () => {
    assert.match(one({ equations: 'r = pre.v' }), /'pre.v' is only allowed in synapse descriptions/);
    const e = errorsOf(() => parseSynapse({ equations: 'x = 1 : event-driven', preSpike: 'foo += 1' }, NO_CONSTANTS));
    assert.deepEqual(e.issues.map((i) => i.token), ['event-driven', 'foo']);
  });
});

describe('emitCpp', () => {
  const n = (src: string) => variable(parseNeuron({ parameters: 'a = 1\nb = 2\nc = 3', equations: `r = ${src}` }, NO_CONSTANTS), 'r').rhs;

  it('prints double literals, never integer division', () => {
    assert.equal(emitCpp(n('1/2 + 3e-7 + 2.5E3'), ctx), '(((1.0 / 2.0) + 3e-7) + 2500.0)');
  });

  it('maps powers, modulo, clip, comparisons and logic', () => {
    assert.equal(emitCpp(n('a^2 + a**3 + a^4 + (a+b)^2'), ctx),
      '((((a[i] * a[i]) + (a[i] * a[i] * a[i])) + ss::math::pow(a[i], 4.0)) + ss::math::pow((a[i] + b[i]), 2.0))');
    assert.equal(emitCpp(n('a % b'), ctx), '(a[i] - b[i] * std::floor(a[i] / b[i]))');
    assert.equal(emitCpp(n('clip(a, b, c)'), ctx), 'std::fmin(std::fmax(a[i], b[i]), c[i])');
    assert.equal(emitCpp(n('(a > b) * 2'), ctx), '(((a[i] > b[i]) ? 1.0 : 0.0) * 2.0)');
    assert.equal(emitCpp(n('ite(not a or b == c, pos(a), heaviside(b))'), ctx),
      '(((!(a[i] != 0.0)) || (b[i] == c[i])) ? std::fmax(a[i], 0.0) : (b[i] > 0.0 ? 1.0 : 0.0))');
    assert.equal(emitCpp(n('-a^2'), ctx), '(-(a[i] * a[i]))');
  });

  it('floored modulo agrees with the interpreter', () => {
    assert.equal(evaluate(n('modulo(-7, 3)'), { vars: {} }), 2);
    assert.equal(evaluate(n('fmod(-7, 3)'), { vars: {} }), -1);
  });

  it('float precision uses f literals and float functions', () => {
    assert.equal(emitCpp(n('exp(a) + clip(a, 0.5, 1) + 2'), { ...ctx, precision: 'float' }),
      '((ss::math::expf(a[i]) + fminf(fmaxf(a[i], 0.5f), 1.0f)) + 2.0f)');
  });
});
