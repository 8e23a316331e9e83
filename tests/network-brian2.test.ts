// Brian2's Network calls on ours: get_states/set_states (a round trip continues the simulation
// exactly), stop() during a run, run(report=…, report_period=…), store/restore through a file
// across processes, and scheduling_summary.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Network, loadNetworkSpec } from '../network/index.js';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'spikesweep-brian2-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cuba(): Promise<Network> {
  const net = Network.fromSpec({ ...loadNetworkSpec(join(root, 'examples/cuba.yaml')), seed: 3 });
  await net.compile();
  return net;
}

// Every spike recorded since the last call, as "population:step:neuron".
function spikes(net: Network): string[] {
  return net.monitors.flatMap((m) => {
    const { neurons, times } = m.get('spike');
    return [...neurons].map((n, k) => `${m.spec.target}:${Math.round(times[k] / net.dt)}:${n}`);
  });
}

test('getStates / setStates with internal arrays continue a simulation exactly in another network', async () => {
  const a = await cuba();
  await a.simulate(50);
  spikes(a);
  const states = a.getStates({ internal: true });
  await a.simulate(50);
  const expected = spikes(a);
  assert.ok(expected.length > 100, 'the second half spikes');

  const b = await cuba();
  b.setStates(states);
  assert.equal(b.t, 50);
  await b.simulate(50);
  assert.deepEqual(spikes(b), expected);
  a.destroy();
  b.destroy();
});

test('getStates reads variables and parameters, not internal arrays unless asked; setStates checks everything before writing', async () => {
  const net = await cuba();
  await net.simulate(10);
  const all = net.getStates();
  assert.equal(all.t, 10);
  const pop = net.populations[0];
  assert.equal(all.objects[pop.name].v.length, pop.size);
  assert.ok(Object.values(all.objects).every((vars) => Object.keys(vars).every((v) => !v.startsWith('_'))), 'no internal arrays by default');
  assert.ok(Object.keys(net.getStates({ internal: true }).objects[pop.name]).some((v) => v.startsWith('_')));

  const some = net.getStates({ objects: [pop.name], variables: ['v'] });
  assert.deepEqual(Object.keys(some.objects), [pop.name]);
  assert.deepEqual(Object.keys(some.objects[pop.name]), ['v']);
  assert.throws(() => net.getStates({ variables: ['nope'] }), /no population or projection has 'nope'/);
  assert.throws(() => net.getStates({ objects: ['nope'] }), /getStates: no population or projection 'nope'/);

  const v = Float64Array.from(some.objects[pop.name].v as Float64Array);
  const before = [...(net.getArray(`${pop.name}.v`) as Float64Array)];
  assert.throws(() => net.setStates({ objects: { [pop.name]: { v: v.map((x) => x - 1), u: [1] } } }), new RegExp(`'${pop.name}' has no state variable 'u'`));
  assert.throws(() => net.setStates({ objects: { [pop.name]: { v: [1, 2] } } }), new RegExp(`'${pop.name}.v' needs ${pop.size} values, got 2`));
  assert.deepEqual([...(net.getArray(`${pop.name}.v`) as Float64Array)], before, 'a refused setStates writes nothing');
  net.setStates({ objects: { [pop.name]: { v: v.map((x) => x - 1) } } });
  assert.deepEqual([...(net.getArray(`${pop.name}.v`) as Float64Array)], before.map((x) => x - 1));
  net.destroy();
});

test('stop() ends a running simulate at a step boundary, and the next simulate runs in full', async () => {
  const net = await cuba();
  let stopped = false;
  const result = await net.simulate(2000, { onProgress: (ms) => { if (ms >= 100 && !stopped) { stopped = true; net.stop(); } } });
  assert.equal(result.cancelled, true);
  assert.ok(result.stepsDone >= 1000 && result.stepsDone < 20000, `stopped after ${result.stepsDone} steps`);
  assert.equal(net.currentStep, result.stepsDone);
  net.stop(); // outside a run: nothing to stop, and the next run is not affected
  const next = await net.simulate(10);
  assert.deepEqual([next.cancelled, next.stepsDone], [false, 100]);
  net.destroy();
});

test('report: a callback gets the start, the end and progress at most once per report period; text goes to stdout', async () => {
  const net = await cuba();
  const calls: [number, number, number][] = [];
  await net.simulate(200, { report: (elapsed, complete, duration) => calls.push([elapsed, complete, duration]), reportPeriod: 1e-6 });
  assert.deepEqual(calls[0], [0, 0, 200]);
  assert.deepEqual(calls.at(-1)!.slice(1), [1, 200]);
  assert.ok(calls.length > 2, 'progress reports between start and end');
  assert.ok(calls.every(([e, c], k) => k === 0 || (e >= calls[k - 1][0] && c >= calls[k - 1][1])), 'time and completion never go back');

  const few: number[] = [];
  await net.simulate(200, { report: (_e, complete) => few.push(complete), reportPeriod: 3600 });
  assert.deepEqual(few, [0, 1], 'a long period reports only the start and the end');

  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => { lines.push(chunk); return true; }) as typeof process.stdout.write;
  try { await net.simulate(100, { report: 'text' }); } finally { process.stdout.write = write; }
  assert.deepEqual(lines, ['Starting simulation at t=400 ms for a duration of 100 ms\n', lines[1]]);
  assert.match(lines[1], /^100 ms \(100%\) simulated in \d+ s\n$/);
  await assert.rejects(net.simulate(10, { report: 'text', reportPeriod: 0 }), /reportPeriod must be a number of seconds > 0/);
  net.destroy();
});

test('store / restore through a file continue a simulation in another process exactly', async () => {
  const file = join(dir, 'states.ckpt');
  // The first process simulates 50 ms, stores, simulates 50 ms more and prints those spikes.
  const script = `
    import { Network, loadNetworkSpec } from './network/index.ts';
    const net = Network.fromSpec({ ...loadNetworkSpec('examples/cuba.yaml'), seed: 3 });
    await net.compile();
    await net.simulate(50);
    await net.store('mid', ${JSON.stringify(file)});
    net.monitors.forEach((m) => m.get('spike'));
    await net.simulate(50);
    const out = net.monitors.flatMap((m) => { const { neurons, times } = m.get('spike'); return [...neurons].map((n, k) => m.spec.target + ':' + Math.round(times[k] / net.dt) + ':' + n); });
    process.stdout.write(JSON.stringify(out));
  `;
  const first = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(first.status, 0, first.stderr);
  const expected = JSON.parse(first.stdout) as string[];
  assert.ok(expected.length > 100);

  const net = await cuba();
  await net.restore('mid', file);
  assert.equal(net.t, 50);
  await net.simulate(50);
  assert.deepEqual(spikes(net), expected);

  await assert.rejects(net.restore('other', file), /holds the stored state 'mid', not 'other'/);
  await assert.rejects(net.store('other', file), /holds the stored state 'mid'; store 'other' in another file/);
  const reseeded = Network.fromSpec({ ...loadNetworkSpec(join(root, 'examples/cuba.yaml')), seed: 4 });
  await reseeded.compile();
  await assert.rejects(reseeded.restore('mid', file), /stored by a network with seed 3 and dt 0.1 ms; this one has seed 4/);
  reseeded.destroy();
  net.destroy();
});

test('schedulingSummary lists the step\'s phases in order with what each reads and writes', async () => {
  const net = Network.fromSpec(loadNetworkSpec(join(root, 'tests/fixtures/features.yaml')));
  await net.compile();
  const phases = net.schedulingSummary();
  // Each population's spikes and reset (4) follow its own update (3), before the next population's.
  const order = phases.map((p) => Math.min(parseInt(p.phase, 10), p.phase.startsWith('4.') ? 3 : 9));
  assert.deepEqual(order, [...order].sort((x, y) => x - y), 'phases in step order');
  const row = (phase: string, object: string) => {
    const found = phases.find((p) => p.phase.startsWith(phase) && p.object === object);
    assert.ok(found, `${phase} of ${object}`);
    return found;
  };
  assert.deepEqual(row('1.', '(network)').writes, ['exc.sum(gap)', 'inh.sum(gap)']);
  const gap = row("2'.", 'gap_exc');
  assert.deepEqual([gap.reads.sort(), gap.writes], [['exc.v', 'gap_exc.k'], ['exc.sum(gap)']]);
  assert.deepEqual(row('2.', 'inh_exc').writes, ['exc.g_inh', 'inh.v']);
  assert.ok(row('2.', 'exc_inh').reads.includes('exc.spikes (per-synapse delays)'));
  assert.ok(row('3.', 'exc').reads.includes('exc.sum(gap)'));
  assert.ok(row('4.', 'exc').writes.includes('exc.spikes'));
  assert.ok(row('5.', 'inh_exc').writes.includes('inh_exc.w'));
  assert.ok(row('6.', 'input_exc').reads.includes('exc.spikes'));
  assert.match(net.formatSchedulingSummary(), /^phase\s+object\s+reads\s+writes\n/);
  net.destroy();
});

test('profiling times every block of the step when asked, and changes no spike', async () => {
  const plain = await cuba();
  await plain.simulate(200);
  assert.deepEqual(plain.profilingInfo, [], 'nothing is timed without { profile: true }');
  assert.match(plain.profilingSummary(), /no profiling information/);

  const profiled = await cuba();
  const started = performance.now();
  await profiled.simulate(200, { profile: true });
  const wallS = (performance.now() - started) / 1000;
  assert.deepEqual(spikes(profiled), spikes(plain), 'profiling changes no spike');
  const info = profiled.profilingInfo;
  const names = info.map((b) => b.name).sort();
  const pops = profiled.populations.map((p) => `${p.name}: update`);
  const projs = profiled.projections.map((j) => `${j.name}: delivery`);
  assert.deepEqual(names, [...pops, ...projs, 'end of step (spike history, postsynaptic events)', 'monitors'].sort());
  assert.ok(info.every((b, k) => b.seconds > 0 && (k === 0 || b.seconds <= info[k - 1].seconds)), 'slowest first');
  assert.ok(info.reduce((sum, b) => sum + b.seconds, 0) < wallS, 'the blocks fit in the run');

  // Profiling sums over runs made with it on, and only those.
  const first = new Map(info.map((b) => [b.name, b.seconds]));
  await profiled.simulate(100);
  assert.deepEqual(new Map(profiled.profilingInfo.map((b) => [b.name, b.seconds])), first);
  await profiled.simulate(100, { profile: true });
  assert.ok(profiled.profilingInfo.every((b) => b.seconds > first.get(b.name)!));
  assert.match(profiled.profilingSummary(2), /^block\s+time\s+share\n.+ ms\s+\d+\.\d\d %\n.+ ms\s+\d+\.\d\d %$/);
  plain.destroy();
  profiled.destroy();
});
