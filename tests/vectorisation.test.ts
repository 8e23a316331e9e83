// The neuron update loop of every reference model vectorises (GCC's own report), for AVX2
// (-march=x86-64-v3, so the test means the same on any CI machine), for AVX-512 at both vector
// widths GCC prefers (x86-64-v4: 512 bits; rocketlake, what -march=native is on the project's Intel
// Xeon VMs: 256 bits) and for this machine's CPU (-march=native, what kernels are built with). GCC
// compiles for any of them on any x86-64 host. A scalar update loop ran CUBA 4k slower than Brian2
// on Intel Xeon; this guards against a change to the emitted math or the flags bringing it back.
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { describe, test } from 'node:test';
import { openmp, toolchain } from '../backends/openmp/index.js';
import { buildIR } from '../network/ir/ir.js';
import { loadNetworkSpec } from '../network/spec/load.js';

const MODELS = ['examples/cuba.yaml', 'examples/coba.yaml'];
const MARCHES = ['x86-64-v3', 'x86-64-v4', 'rocketlake', 'native'];

/** Line of each population's update loop (in `update_p<i>`) in the generated source: the loop whose body is its `p<i>_step` call. */
function updateLoops(source: string, populations: string[]): { population: string; fn: string; line: number }[] {
  const lines = source.split('\n');
  return populations.map((population, i) => {
    const call = lines.findIndex((l) => l.trimStart().startsWith(`p${i}_step(`));
    assert.ok(call > 0 && /for \(int64_t i = b; i < e; \+\+i\)/.test(lines[call - 1]), `no update loop for population '${population}' in the generated source`);
    return { population, fn: `Sim::update_p${i}`, line: call };
  });
}

describe('the neuron update loop vectorises', { skip: process.arch !== 'x64' ? 'x86-64 only' : false }, () => {
  for (const file of MODELS) {
    for (const march of MARCHES) {
      test(`${file}, -march=${march}`, async () => {
        const spec = loadNetworkSpec(file);
        const source = openmp.generate(buildIR(spec));
        const vectorised = await toolchain.vectorisedLoops(source, march);
        const { compilerVersion } = await toolchain.describe();
        for (const loop of updateLoops(source, spec.populations.map((p) => p.name)))
          assert.ok(vectorised.has(loop.line), `the neuron loop of ${loop.fn} (population '${loop.population}', generated line ${loop.line}) is not vectorised by ${compilerVersion} with -march=${march} on ${cpus()[0]?.model ?? 'an unknown CPU'}`);
      });
    }
  }
});
