// The networks bench/gpu/check.sh runs on a GPU: CUBA, COBA and the features network for
// bit-equality with the CPU, CUBA again for compute-sanitizer (a short run) and as a batch (a few
// copies' bit-equality, then throughput over batch sizes), and CUBA at 256k neurons (fixed
// in-degree 80, as bench/core.ts's series) for time. Seed 1 throughout (copy b of a batch: 1 + b).
import { join } from 'node:path';
import { packageRoot } from '../../backends/paths.js';
import { loadNetworkSpec, validateNetworkSpec } from '../../network/spec/load.js';
import type { NetworkSpec } from '../../network/spec/schema.js';

export interface GpuCase {
  name: string;
  /** The spec file it comes from (for messages and network.json). */
  file: string;
  spec: NetworkSpec;
  steps: number;
  /** Steps of the compute-sanitizer run, for the case that has one. */
  sanitizerSteps?: number;
  /** For the case run as a batch: its copies' differences and the copies whose CPU goldens are kept. */
  batch?: GpuBatch;
}

export interface GpuBatch {
  /** Copies in the batch whose copies are checked against the CPU. */
  copies: number;
  /** The copies with a CPU golden (driver.cpp: copy b is seed + b, each varied array × (1 + b · step)). */
  kept: number[];
  /** Arrays scaled per copy: copy b multiplies `array` by 1 + b · step. */
  varied: { array: string; step: number }[];
}

const load = (file: string): NetworkSpec => ({ ...loadNetworkSpec(join(packageRoot, file)), seed: 1 });

// CUBA with `neurons` neurons (80 % excitatory) and the fixed in-degree 80 of bench/core.ts.
function cubaOf(neurons: number): NetworkSpec {
  const spec = load('examples/cuba.yaml');
  const sizes: Record<string, number> = { exc: Math.round(neurons * 0.8), inh: neurons - Math.round(neurons * 0.8) };
  return validateNetworkSpec({
    ...spec,
    name: `cuba-${neurons}`,
    populations: spec.populations.map((p) => ({ ...p, geometry: sizes[p.name] })),
    projections: spec.projections.map((j) => ({ ...j, connector: { ...j.connector, probability: 80 / neurons } })),
  } as Parameters<typeof validateNetworkSpec>[0], 'examples/cuba.yaml (scaled)');
}

export function gpuCases(): GpuCase[] {
  return [
    {
      name: 'cuba', file: 'examples/cuba.yaml', spec: load('examples/cuba.yaml'), steps: 10000, sanitizerSteps: 200,
      // A sweep's copies differ in seed and uploaded values: here the excitatory weight, 2 % more per copy.
      batch: { copies: 8, kept: [0, 1, 7], varied: [{ array: 'exc_exc.w', step: 0.02 }] },
    },
    { name: 'coba', file: 'examples/coba.yaml', spec: load('examples/coba.yaml'), steps: 10000 },
    { name: 'features', file: 'tests/fixtures/features.yaml', spec: load('tests/fixtures/features.yaml'), steps: 3000 },
    { name: 'cuba-256k', file: 'examples/cuba.yaml (256,000 neurons, in-degree 80)', spec: cubaOf(256000), steps: 10000 },
  ];
}
