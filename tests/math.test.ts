// The runtime's shared transcendental functions (native/runtime/spikesweep/math.hpp), which every
// backend's generated code calls so the CPU and the GPU compute the same bits: measured against the
// host's libm over 10^6 random inputs per function and range, each within the error
// backends/README.md states, and C's results at special values (zeros, infinities, NaN, integer
// powers, subnormals).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'spikesweep-math-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The largest error, in ulps of libm's result, each function may show (backends/README.md).
const BOUNDS: Record<string, number> = {
  exp: 1, log: 1, log2: 1, log10: 2, sin: 2, cos: 2, tan: 3, asin: 2, acos: 2, atan: 1, atan2: 1,
  sinh: 4, cosh: 2, tanh: 4, 'pow(x, 2.5)': 32, 'pow(x, 7)': 4, 'pow(1.7, y)': 3,
};

interface Measure { function: string; lo: number; hi: number; maxUlp: number; at: number }

test('ss::math is within its stated error of libm and gives C\'s special values', () => {
  const exe = join(dir, 'math-accuracy');
  const cxx = process.env.CXX ?? 'g++';
  execFileSync(cxx, ['-O2', '-std=c++17', '-ffp-contract=off', `-I${join(root, 'native/runtime')}`, join(root, 'tests/fixtures/math-accuracy.cpp'), '-o', exe]);
  const lines = execFileSync(exe, { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
  const specials = lines.pop() as Record<string, boolean>;
  const measures = lines as Measure[];
  assert.deepEqual(new Set(measures.map((m) => m.function)), new Set(Object.keys(BOUNDS)));
  for (const m of measures) {
    assert.ok(m.maxUlp <= BOUNDS[m.function], `${m.function} on [${m.lo}, ${m.hi}]: ${m.maxUlp} ulp at ${m.at} (bound ${BOUNDS[m.function]})`);
  }
  assert.deepEqual(Object.entries(specials).filter(([, ok]) => !ok).map(([name]) => name), []);
});
