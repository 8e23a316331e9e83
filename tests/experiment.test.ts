// Parameter trees (nets ParamsTree inheritance), nets-style experiment files → { network,
// protocol }, located errors, proportion selection, write-back round trip, `spikesweep tree`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  experimentToYaml, loadExperiment, parseExperimentText, resolveTree, selectUnits, toPlainTree, treeLeaves,
  type Params, type ResolvedTree,
} from '../network/experiment/index.js';
import { SpecError } from '../network/spec/errors.js';

import { runCli } from './helpers/cli.js';
const EXAMPLE = new URL('../examples/nets-experiment.yaml', import.meta.url).pathname;
const TREE = new URL('../examples/trees/models.yaml', import.meta.url).pathname;

const cli = (args: string[]) => runCli(args);

/** The SpecError a thunk throws. */
function specError(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  assert.fail('expected a SpecError');
}

function issueAt(e: SpecError, path: string): SpecError['issues'][number] {
  const found = e.issues.find((i) => i.path.join('.') === path);
  assert.ok(found, `no issue at ${path}; got:\n${e.message}`);
  return found;
}

// A small valid experiment to vary in error tests.
const BASE = `name: small
seed: 3
neuron_models:
  params: { model: LIF_CUBA }
  lif: { params: { El: -49.0 } }
  src: { params: { model: Poisson } }
layers:
  params: { n: 10 }
  exc: { params: { neuron_model: lif } }
  input: { params: { neuron_model: src } }
connection_models:
  params: { type: fixedProbability, probability: 0.5 }
  drive: { params: { weights: 1.0, target: exc } }
connections:
  - [input, exc, drive]
recorders:
  spikes: { params: { layer: exc, variables: [spike] } }
session_models:
  params: { duration: 50 }
  a: { params: { set: [ { layer: input, values: { rates: 20 } } ] } }
  b: { params: { record: false } }
sessions: [a, b]
`;

describe('parameter trees', () => {
  test('a three-level tree resolves: inherited params, deepest wins, at every level', () => {
    const raw = parse(`
params: { a: 1, b: 1, c: 1 }
one:
  params: { b: 2 }
  two:
    params: { c: 3 }
    three: { params: { a: 4 } }
  sibling: { params: {} }
other: { params: { b: 5 } }
`);
    const tree = resolveTree(raw);
    assert.deepEqual(tree.params, { a: 1, b: 1, c: 1 });
    assert.deepEqual(tree.children.one.params, { a: 1, b: 2, c: 1 });
    assert.deepEqual(tree.children.one.children.two.params, { a: 1, b: 2, c: 3 });
    assert.deepEqual(tree.children.one.children.two.children.three.params, { a: 4, b: 2, c: 3 });
    assert.deepEqual(tree.children.one.children.sibling.params, { a: 1, b: 2, c: 1 });
    assert.deepEqual(tree.children.other.params, { a: 1, b: 5, c: 1 });
    // Own params and where each resolved value was written.
    assert.deepEqual(tree.children.one.children.two.children.three.own, { a: 4 });
    assert.deepEqual(tree.children.one.children.two.children.three.origins, {
      a: ['one', 'two', 'three', 'params', 'a'], b: ['one', 'params', 'b'], c: ['one', 'two', 'params', 'c'],
    });
    assert.deepEqual(treeLeaves(tree).map((l) => l.name), ['three', 'sibling', 'other']);
    // The plain form keeps the shape.
    const plain = toPlainTree(tree) as any;
    assert.deepEqual(plain.one.two.three.params, { a: 4, b: 2, c: 3 });
    assert.deepEqual(Object.keys(plain.one), ['params', 'two', 'sibling']);
  });

  test('lists and scalars are values (never children); mappings under params are values; null is an empty node', () => {
    const tree = resolveTree(parse(`
params: { vars: [spike, v], dist: { uniform: [0, 1] } }
node:
  scalar: 3
  list: [{ x: 1 }, { x: 2 }]
  empty: ~
  child: { params: { vars: [w] } }
`));
    const node = tree.children.node;
    assert.deepEqual(Object.keys(node.children), ['empty', 'child']);
    assert.deepEqual(node.own, { scalar: 3, list: [{ x: 1 }, { x: 2 }] });
    assert.deepEqual(node.params.dist, { uniform: [0, 1] });
    // A list is inherited or replaced whole, never merged.
    assert.deepEqual(node.children.child.params.vars, ['w']);
    assert.deepEqual(node.children.empty.params, { vars: ['spike', 'v'], dist: { uniform: [0, 1] }, scalar: 3, list: [{ x: 1 }, { x: 2 }] });
  });

  test('the example tree file resolves as documented', async () => {
    const { code, stdout } = await cli(['tree', TREE, '--json']);
    assert.equal(code, 0);
    const tree = JSON.parse(stdout);
    assert.deepEqual(tree.cortex.l23_exc.params, { model: 'LIF_CUBA', tau_m: 10, v_thresh: -55, El: -65 });
    assert.deepEqual(tree.cortex.l23_inh.params, { model: 'LIF_CUBA', tau_m: 5, v_thresh: -50, El: -65, variables: ['spike', 'v'] });
    assert.deepEqual(tree.thalamus.relay.params, { model: 'Izhikevich', tau_m: 20, v_thresh: -50 });
  });

  test('tree errors name the tree path and the line', () => {
    const text = 'a:\n  params: [1, 2]\nb:\n  params: { x: 1 }\n  x: 2\n';
    const e = specError(() => parseExperimentText(text.replace(/^/, 'layers:\n').replace(/\n(?=.)/g, '\n  '), 'bad.yaml'));
    assert.match(e.message, /^invalid experiment/);
    const i1 = issueAt(e, 'layers.a.params');
    assert.equal(i1.line, 3);
    assert.match(i1.message, /'params' must be a mapping/);
    const i2 = issueAt(e, 'layers.b.x');
    assert.equal(i2.line, 6);
    assert.match(i2.message, /both here and under params/);
    assert.match(e.message, /bad\.yaml:3:\d+ layers\.a\.params:/);
  });

  test('property: every leaf resolves to the merge of its ancestors\' params, root first', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const value = fc.oneof(fc.integer(), fc.string(), fc.array(fc.integer(), { maxLength: 3 }), fc.constant(null), fc.dictionary(fc.constantFrom('u', 'v'), fc.integer()));
    const params = fc.dictionary(key, value, { maxKeys: 4 });
    const { node } = fc.letrec<{ node: Record<string, unknown> }>((tie) => ({
      node: fc.record({
        params: fc.option(params, { nil: undefined }),
        kids: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constant({}), fc.dictionary(fc.constantFrom('x', 'y', 'z', 'w'), tie('node'), { maxKeys: 3 })),
      }).map(({ params: p, kids }) => ({ ...(p === undefined ? {} : { params: p }), ...(kids as Record<string, unknown>) })),
    }));
    fc.assert(fc.property(node, (raw) => {
      const tree = resolveTree(raw);
      // Walk the raw tree independently, merging params along each path.
      const expected = new Map<string, Params>();
      const walk = (n: Record<string, unknown>, path: string[], above: Params) => {
        const merged = { ...above, ...((n.params as Params | undefined) ?? {}) };
        const kids = Object.keys(n).filter((k) => k !== 'params');
        if (kids.length === 0) expected.set(path.join('/'), merged);
        for (const k of kids) walk(n[k] as Record<string, unknown>, [...path, k], merged);
      };
      walk(raw, [], {});
      const leaves = treeLeaves(tree);
      assert.equal(leaves.length, expected.size);
      for (const leaf of leaves) assert.deepStrictEqual(leaf.params, expected.get(leaf.path.join('/')));
      // And at every node: own params over the parent's resolved params.
      const check = (t: ResolvedTree, parent: Params) => {
        assert.deepStrictEqual(t.params, { ...parent, ...t.own });
        for (const c of Object.values(t.children)) check(c, t.params);
      };
      check(tree, {});
    }), { numRuns: 300 });
  });
});

describe('experiment files', () => {
  test('the nets example converts to the expected NetworkSpec and protocol', () => {
    const { kind, network, protocol } = loadExperiment(EXAMPLE);
    assert.equal(kind, 'experiment');
    assert.equal(network.name, 'nets_example');
    assert.equal(network.seed, 1);
    assert.equal(network.dt, 0.1);
    assert.deepEqual(network.populations.map((p) => [p.name, p.geometry, p.neuron]), [['exc', 800, 'LIF_CUBA'], ['inh', 200, 'LIF_CUBA'], ['poisson', 100, 'Poisson']]);
    const exc = network.populations[0];
    // Neuron-model params inherited through the lif template; non-field params become values.
    assert.deepEqual(exc.values, { tau_m: 20, El: -49, v_thresh: -50, v_reset: -60, v: { kind: 'uniform', min: -60, max: -50 }, tau_e: 5 });
    assert.equal(network.populations[1].values.tau_i, 10);
    assert.deepEqual(network.populations[2].values, { rates: 10 });
    assert.deepEqual(network.projections.map((p) => p.name), ['exc_exc', 'exc_inh', 'inh_exc', 'inh_inh', 'poisson_exc', 'poisson_inh']);
    const byName = Object.fromEntries(network.projections.map((p) => [p.name, p]));
    assert.deepEqual(byName.exc_inh.connector, { type: 'fixedProbability', probability: 0.08, weights: 1.62, allowSelfConnections: false });
    assert.deepEqual([byName.inh_exc.pre, byName.inh_exc.post, byName.inh_exc.target, byName.inh_exc.synapse], ['inh', 'exc', 'inh', 'static']);
    assert.equal(byName.inh_exc.connector.weights, -9);
    assert.deepEqual(byName.poisson_inh.connector, { type: 'fixedProbability', probability: 0.1, weights: 1, allowSelfConnections: false });
    assert.deepEqual(network.monitors.map((m) => [m.name, m.target, m.variables]), [['exc_spikes', 'exc', ['spike']], ['inh_spikes', 'inh', ['spike']], ['input_spikes', 'poisson', ['spike']], ['exc_v', 'exc', ['v']]]);
    assert.deepEqual([network.monitors[3].indices, network.monitors[3].period], [[0, 1, 2, 3, 4], 1]);
    assert.equal(network.duration, 500);
    assert.deepStrictEqual(protocol, [
      { name: 'warmup', durationMs: 100, record: false, set: [], reset: false },
      { name: 'high_input', durationMs: 200, record: true, set: [{ population: 'poisson', values: { rates: 100 } }], reset: false },
      { name: 'low_input', durationMs: 200, record: true, set: [{ population: 'poisson', values: { rates: 50 } }], reset: false },
    ]);
  });

  test('synapse models, connection params, learning, reset, proportions and repeated sessions', () => {
    const text = BASE
      .replace('connection_models:', 'synapse_models:\n  plastic: { params: { model: STDP, tau_plus: 15.0, learning: false } }\nconnection_models:')
      .replace('  drive: { params: { weights: 1.0, target: exc } }', '  drive: { params: { weights: 1.0, target: exc } }\n  learn: { params: { type: fixedNumberPre, number: 3, synapse_model: plastic, target: exc, A_plus: 0.02 } }')
      .replace('  - [input, exc, drive]', '  - [input, exc, drive]\n  - { pre: exc, post: exc, model: learn, name: recurrent, params: { weights: 0.5 } }')
      .replace('  b: { params: { record: false } }', '  b: { params: { record: false, reset: { populations: true }, set: [ { layer: exc, values: { El: -55 }, proportion: 0.3 }, { learning: true, projections: [recurrent] }, { projection: recurrent, values: { w_max: 2 } } ] } }')
      .replace('sessions: [a, b]', 'sessions: [a, b, a]');
    const { network, protocol } = parseExperimentText(text, 'x.yaml');
    const rec = network.projections.find((p) => p.name === 'recurrent')!;
    assert.equal(rec.synapse, 'STDP');
    assert.equal(rec.learning, false);
    assert.deepEqual(rec.values, { tau_plus: 15, A_plus: 0.02 });
    // The inherited probability does not apply to fixedNumberPre and is left out.
    assert.deepEqual(rec.connector, { type: 'fixedNumberPre', number: 3, weights: 0.5, allowSelfConnections: false });
    assert.deepEqual(protocol!.map((p) => p.name), ['a-1', 'b', 'a-2']);
    assert.deepStrictEqual(protocol![1], {
      name: 'b', durationMs: 50, record: false, reset: { populations: true },
      set: [
        { population: 'exc', values: { El: -55 }, proportion: 0.3 },
        { learning: true, projections: ['recurrent'] },
        { projection: 'recurrent', values: { w_max: 2 } },
      ],
    });
  });

  test('a plain network spec loads with protocol null, or with its protocol list', () => {
    const cuba = loadExperiment(new URL('../examples/cuba.yaml', import.meta.url).pathname);
    assert.equal(cuba.kind, 'network');
    assert.equal(cuba.protocol, null);
    assert.equal(cuba.network.populations[0].geometry, 3200);
    const spec = `populations:
  - { name: p, geometry: 4, neuron: Poisson }
  - { name: n, geometry: 4, neuron: LIF_CUBA }
projections:
  - { name: pn, pre: p, post: n, target: exc, connector: { type: allToAll } }
protocol:
  - { name: quiet, duration: 20, record: false }
  - { name: loud, duration: 30, set: [ { population: p, values: { rates: [1, 2] }, indices: [0, 3] } ], reset: true }
`;
    const loaded = parseExperimentText(spec, 'p.yaml');
    assert.deepStrictEqual(loaded.protocol, [
      { name: 'quiet', durationMs: 20, record: false, set: [], reset: false },
      { name: 'loud', durationMs: 30, record: true, set: [{ population: 'p', values: { rates: [1, 2] }, indices: [0, 3] }], reset: true },
    ]);
    assert.equal(loaded.network.duration, 50);
  });

  test('errors name the file, the tree path and the line', () => {
    const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const cases: { edit: [string, string]; path: string; needle: string; message: RegExp }[] = [
      { edit: ['exc: { params: { neuron_model: lif } }', 'exc: { params: { neuron_model: lifx } }'], path: 'layers.exc.params.neuron_model', needle: 'lifx', message: /unknown neuron model 'lifx'/ },
      { edit: ['exc: { params: { neuron_model: lif } }', 'exc: { params: { neuron_model: constructor } }'], path: 'layers.exc.params.neuron_model', needle: 'constructor', message: /unknown neuron model 'constructor'/ },
      // Names every JavaScript object answers to are names like any other, or refused.
      { edit: ['exc: { params: { neuron_model: lif } }', 'exc: { params: { neuron_model: lif }, toString: 3 }'], path: 'layers.exc.toString', needle: 'toString', message: /'toString' is not a parameter or variable of neuron 'LIF_CUBA' \(declared: tau_m, tau_e, tau_i, El, v_thresh, v_reset, i_offset, v, g_exc, g_inh\)/ },
      { edit: ['exc: { params: { neuron_model: lif } }', 'exc: { params: { neuron_model: lif, __proto__: 3 } }'], path: 'layers.exc.params.__proto__', needle: '__proto__', message: /'__proto__' cannot name a parameter or a node/ },
      { edit: ['  - [input, exc, drive]', '  - [input, nowhere, drive]'], path: 'connections.0.1', needle: 'nowhere', message: /post must name a layer/ },
      { edit: ['  - [input, exc, drive]', '  - [input, exc, driven]'], path: 'connections.0.2', needle: 'driven', message: /unknown connection model 'driven'/ },
      { edit: ['params: { duration: 50 }', 'params: { duration: -5 }'], path: 'session_models.params.duration', needle: 'duration: -5', message: /duration must be a number of ms > 0, got number -5 \(session 'a'; session 'b'\)$/ },
      { edit: ['values: { rates: 20 }', 'values: { rates: 20 }, proportion: 1.5'], path: 'session_models.a.params.set.0.proportion', needle: 'proportion: 1.5', message: /proportion must be a number from 0 to 1/ },
      { edit: ['values: { rates: 20 }', 'values: { rate: 20 }'], path: 'session_models.a.params.set.0.values.rate', needle: 'rate: 20', message: /'rate' is not a parameter or variable of neuron 'Poisson'/ },
      { edit: ['sessions: [a, b]', 'sessions: [a, c]'], path: 'sessions.1', needle: 'sessions:', message: /unknown session 'c'/ },
      { edit: ['sessions: [a, b]', 'sessions: []'], path: 'sessions', needle: 'sessions:', message: /sessions lists no session: name at least one session model, or leave sessions out/ },
      // Found by the NetworkSpec validators, reported where the value was written.
      { edit: ['params: { type: fixedProbability, probability: 0.5 }', 'params: { type: fixedProbability, probability: 1.5 }'], path: 'connection_models.params.probability', needle: 'probability: 1.5', message: /\(connections\[0\]: input → exc, drive\)$/ },
      { edit: ['lif: { params: { El: -49.0 } }', 'lif: { params: { El: -49.0, Elx: 1 } }'], path: 'neuron_models.lif.params.Elx', needle: 'Elx', message: /'Elx' is not a parameter or variable of neuron 'LIF_CUBA'.*layer 'exc'/ },
      { edit: ['params: { n: 10 }', 'params: { n: -10 }'], path: 'layers.params.n', needle: 'n: -10', message: /layer 'exc'/ },
      { edit: ['spikes: { params: { layer: exc, variables: [spike] } }', 'spikes: { params: { layer: exc, variables: [spikes] } }'], path: 'recorders.spikes.params.variables.0', needle: 'variables: [spikes]', message: /has no variable 'spikes'/ },
    ];
    for (const c of cases) {
      assert.ok(BASE.includes(c.edit[0]), c.edit[0]);
      const text = BASE.replace(c.edit[0], c.edit[1]);
      const e = specError(() => parseExperimentText(text, 'exp.yaml'));
      const issue = issueAt(e, c.path);
      assert.match(issue.message, c.message, e.message);
      assert.equal(issue.line, lineOf(text, c.needle), `${c.path}: ${e.message}`);
      assert.ok(e.message.includes(`exp.yaml:${issue.line}:`), e.message);
    }
  });

  test('a JSON experiment is read as JSON, and its errors still name the line', () => {
    const text = JSON.stringify(parse(BASE.replace('exc: { params: { neuron_model: lif } }', 'exc: { params: { neuron_model: lifx } }')), null, 2);
    const e = specError(() => parseExperimentText(text, 'exp.json'));
    const issue = issueAt(e, 'layers.exc.params.neuron_model');
    assert.match(issue.message, /unknown neuron model 'lifx'/);
    assert.equal(issue.line, text.split('\n').findIndex((l) => l.includes('"lifx"')) + 1, e.message);
  });

  test('an inherited mistake is reported once, at its definition, naming every item it reaches', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(EXAMPLE, 'utf8')).replace('params: { type: fixedProbability, probability: 0.08,', 'params: { type: fixedProbability, probability: 1.08,');
    const e = specError(() => parseExperimentText(text, 'ex.yaml'));
    assert.equal(e.issues.length, 1, e.message);
    assert.deepEqual(e.issues[0].path, ['connection_models', 'params', 'probability']);
    assert.match(e.issues[0].message, /\(connections\[0\]: exc → exc, exc_conn; connections\[1\]: exc → inh, exc_conn; connections\[2\]: inh → exc, inh_conn; connections\[3\]: inh → inh, inh_conn\)$/);
  });

  test('proportion selection is deterministic and selects round(p × n) distinct units', () => {
    const a = selectUnits(1000, 0.25, 7, 'high_input', 'exc');
    assert.equal(a.length, 250);
    assert.equal(new Set(a).size, 250);
    assert.ok(a.every((i, k) => Number.isInteger(i) && i >= 0 && i < 1000 && (k === 0 || a[k - 1] < i)));
    assert.deepEqual(selectUnits(1000, 0.25, 7, 'high_input', 'exc'), a);
    assert.notDeepEqual(selectUnits(1000, 0.25, 8, 'high_input', 'exc'), a);
    assert.notDeepEqual(selectUnits(1000, 0.25, 7, 'low_input', 'exc'), a);
    assert.deepEqual(selectUnits(10, 1, 1, 'x', 'p'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(selectUnits(10, 0, 1, 'x', 'p'), []);
    assert.equal(selectUnits(7, 0.5, 1, 'x', 'p').length, 4);
    fc.assert(fc.property(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), (n, p, seed) => {
      const s = selectUnits(n, p, seed, 'phase', 'pop');
      assert.equal(s.length, Math.round(p * n));
      assert.equal(new Set(s).size, s.length);
      assert.deepEqual(selectUnits(n, p, seed, 'phase', 'pop'), s);
    }), { numRuns: 100 });
  });

  test('a resolved experiment written back loads to deep-equal { network, protocol }', () => {
    for (const [text, file] of [[undefined, EXAMPLE], [BASE.replace('sessions: [a, b]', 'sessions: [a, b, a]').replace('  b: { params: { record: false } }', '  b: { params: { record: false, reset: true, set: [ { layer: exc, values: { v: -60 }, proportion: 0.5 }, { learning: false } ] } }'), 'base.yaml']] as const) {
      const first = text === undefined ? loadExperiment(file) : parseExperimentText(text, file);
      const yaml = experimentToYaml(first);
      const again = parseExperimentText(yaml, 'written.yaml');
      assert.equal(again.kind, 'network');
      assert.deepStrictEqual({ network: again.network, protocol: again.protocol }, { network: first.network, protocol: first.protocol });
      // Writing it again gives the same text.
      assert.equal(experimentToYaml(again), yaml);
    }
  });
});

describe('spikesweep tree', () => {
  test('prints the resolved experiment as JSON', async () => {
    const { code, stdout, stderr } = await cli(['tree', 'examples/nets-experiment.yaml', '--json']);
    assert.equal(code, 0, stderr);
    const tree = JSON.parse(stdout);
    assert.deepEqual(tree.layers.exc.params, { n: 800, neuron_model: 'lif_exc' });
    assert.deepEqual(tree.layers.poisson.params, { n: 100, neuron_model: 'poisson_source' });
    assert.deepEqual(tree.neuron_models.lif.lif_exc.params, { model: 'LIF_CUBA', tau_m: 20, El: -49, v_thresh: -50, v_reset: -60, v: 'Uniform(-60, -50)', tau_e: 5 });
    assert.deepEqual(tree.connection_models.input_conn.params, { type: 'fixedProbability', probability: 0.1, synapse_model: 'static_syn', weights: 1, target: 'exc' });
    assert.deepEqual(tree.session_models.warmup.params, { record: false, duration: 100 });
    assert.deepEqual(tree.sessions, ['warmup', 'high_input', 'low_input']);
    assert.equal(tree.connections.length, 6);
  });

  test('--node prints one node; YAML by default', async () => {
    const { code, stdout } = await cli(['tree', 'examples/nets-experiment.yaml', '--node', 'session_models.high_input']);
    assert.equal(code, 0);
    assert.deepEqual(parse(stdout), { params: { record: true, duration: 200, set: [{ layer: 'poisson', values: { rates: 100 } }] } });
  });

  test('bad input exits 2 with a located message', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'spikesweep-tree-'));
    try {
      const file = join(dir, 'bad.yaml');
      await writeFile(file, 'root:\n  params: { a: 1 }\n  child:\n    params: 3\n');
      const r = await cli(['tree', file]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /bad\.yaml:4:\d+ root\.child\.params: 'params' must be a mapping/);
      const missing = await cli(['tree', 'examples/nets-experiment.yaml', '--node', 'layers.nope', '--json']);
      assert.equal(missing.code, 2);
      assert.match(JSON.parse(missing.stdout).error.message, /layers\.nope: no node 'nope' here \(children: exc, inh, poisson\)/);
      await writeFile(file, BASE.replace('neuron_model: lif }', 'neuron_model: nope }'));
      const exp = await cli(['tree', file]);
      assert.equal(exp.code, 2);
      assert.match(exp.stderr, /bad\.yaml:9:\d+ layers\.exc\.params\.neuron_model: unknown neuron model 'nope'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
