// Property: whatever a user writes in a model, spikesweep either refuses it with a spec error that
// names where the problem is, or the generated code compiles with the real compiler and runs —
// never a compiler failure, a crash, or text smuggled into C++.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { compileNetwork, createSimulation } from '../backends/index.js';
import { SpecError, validateNetworkSpec } from '../network/index.js';

const cache = mkdtempSync(join(tmpdir(), 'spikesweep-props-'));
after(() => rmSync(cache, { recursive: true, force: true }));

const operand = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('v', 'w', 'tau', 'I', '1.5', '2', '-0.5', 'exp(-v / tau)', 't', 'dt', 'sqrt(fabs(v))', 'ite(v > 0, v, I)', 'clip(v, -1, 1)', 'v^2', 'Uniform(0, 1)', 'Normal(0, 1)', 'g_exc', 'pos(v)', 'k') },
  { weight: 1, arbitrary: fc.constantFrom('vv', 'pre.v', 'sum(x', 'foo(v)', '"id"', 'system("id")', '); system("id"); (', '{', '`ls`', ';') },
);
const op = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('+', '-', '*', '/') }, { weight: 1, arbitrary: fc.constantFrom('>', 'and', '%', ',', ')') });
const expr = fc.tuple(fc.array(operand, { minLength: 1, maxLength: 4 }), fc.array(op, { minLength: 3, maxLength: 3 }))
  .map(([xs, ops]) => xs.map((x, k) => (k === 0 ? x : `${ops[k - 1]} ${x}`)).join(' '));
const cond = fc.tuple(expr, fc.constantFrom('>', '<', '>=', '>'), expr).map(([a, c, b]) => `${a} ${c} ${b}`);
const method = fc.constantFrom('', ' : explicit', ' : midpoint', ' : rk4', ' : exponential', ' : min = -100, max = 100');

const neuron = fc.record({
  parameters: fc.constantFrom('tau = 10.0 : population\nI = 1.0', 'tau = 10.0\nI = 2.0 : population'),
  equations: fc.tuple(expr, method, expr).map(([a, m, b]) => `tau * dv/dt = ${a}${m}\ndw/dt = ${b}`),
  spike: cond,
  reset: fc.constantFrom('v = 0', 'v = 0\nw += 1', 'w = v'),
});

test('any neuron model either fails validation with a located error or compiles and runs', async () => {
  let compiled = 0;
  let refused = 0;
  await fc.assert(fc.asyncProperty(neuron, async (desc) => {
    let spec;
    try {
      spec = validateNetworkSpec({
        constants: { k: 0.5 },
        populations: [{ name: 'pop', geometry: 10, neuron: desc }],
        monitors: [{ target: 'pop', variables: ['spike'] }],
      }, 'prop.yaml');
    } catch (e) {
      assert.ok(e instanceof SpecError, `unexpected ${(e as Error).name}: ${(e as Error).message}`);
      assert.match(e.message, /line \d+, column \d+/);
      refused++;
      return;
    }
    const net = await compileNetwork(spec, { directory: cache });
    const sim = createSimulation(net, spec, { seed: 1, threads: 1 });
    const result = await sim.run({ steps: 20 });
    assert.equal(result.stepsDone, 20);
    sim.destroy();
    compiled++;
  }), { numRuns: 12, seed: 20261122 });
  assert.ok(compiled >= 3, `only ${compiled} models compiled (refused ${refused})`);
  assert.ok(refused >= 1, `no model was refused (${compiled} compiled)`);
});
