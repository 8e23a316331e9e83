// The pipeline from a validated NetworkSpec to a running native simulation:
// IR (structure hash) → C++ source → compile cache → kernel library → simulation built from the
// spec's values. Shared by the Network API and the CLI's single runs.
import { loadKernel, type Kernel, type Sim } from '../native/index.js';
import { buildIR, type NetworkIR } from './build/ir.js';
import { buildRuntimeValues } from './build/values.js';
import { generateNetworkSource } from './codegen/network.js';
import { compileKernel, type CompileOptions } from './compiler/cache.js';
import type { NetworkSpec } from './spec/schema.js';

export interface CompiledNetwork {
  ir: NetworkIR;
  kernel: Kernel;
  library: string;
  /** Compile-cache key of the library. */
  key: string;
  cacheHit: boolean;
  timings: { codegenMs: number; compileMs: number };
}

export async function compileNetwork(spec: NetworkSpec, opts: CompileOptions = {}): Promise<CompiledNetwork> {
  const started = performance.now();
  const ir = buildIR(spec);
  const source = generateNetworkSource(ir);
  const codegenMs = performance.now() - started;
  const compiled = await compileKernel(source, { ...opts, flags: opts.flags ?? spec.compilerFlags });
  const kernel = loadKernel(compiled.library);
  return { ir, kernel, library: compiled.library, key: compiled.key, cacheHit: compiled.cacheHit, timings: { codegenMs, compileMs: compiled.compileMs } };
}

// Builds connectivity and initial state natively, then writes the per-neuron arrays the spec gives.
export function createSimulation(compiled: CompiledNetwork, spec: NetworkSpec, opts: { seed: number; threads: number }): Sim {
  const { values, inputs, arrays } = buildRuntimeValues(spec, compiled.ir);
  const sim = compiled.kernel.create({ seed: BigInt(opts.seed), threads: opts.threads, values, inputs });
  for (const a of arrays) sim.setArray(a.name, a.data);
  return sim;
}
