// The features a network uses, each with the spec field that asks for it, read off its IR (what
// the code generator will actually emit, after models are resolved).
import type { NetworkIR } from '../network/ir/ir.js';
import type { NetworkSpec } from '../network/spec/schema.js';
import { randomSites } from './codegen/expressions.js';
import type { Feature } from './types.js';

export interface FeatureUse {
  feature: Feature;
  path: (string | number)[];
}

export function featuresUsed(spec: NetworkSpec, ir: NetworkIR): FeatureUse[] {
  const uses: FeatureUse[] = [];
  const use = (feature: Feature, ...path: (string | number)[]) => uses.push({ feature, path });
  if (spec.config.numThreads > 1) use('threads', 'config', 'numThreads');
  ir.populations.forEach((p, i) => {
    const at = (...rest: (string | number)[]) => ['populations', i, ...rest];
    if (!p.model) return use('spikeSources', ...at('spikeTimes'));
    // A BOLD monitor's unit: built-in equations every backend integrates.
    if (p.bold) return;
    if (typeof spec.populations[i].neuron !== 'string') use('userEquations', ...at('neuron'));
    if (p.model.refractory !== undefined) use('refractory', ...at('neuron'));
    const exprs = [...p.model.variables.map((v) => v.rhs), ...(p.model.spike ? [p.model.spike] : []), ...p.model.reset.map((r) => r.value)];
    if (randomSites(exprs).length) use('randomDraws', ...at('neuron'));
    if (p.stop) use('stopConditions', ...at('stopCondition'));
  });
  ir.projections.forEach((j, i) => {
    const at = (...rest: (string | number)[]) => ['projections', i, ...rest];
    use('connectors', ...at('connector', 'type'));
    use(j.delays === 'synapse' ? 'synapseDelays' : 'uniformDelays', ...at('connector', 'delays'));
    if (typeof spec.projections[i].synapse !== 'string') use('userEquations', ...at('synapse'));
    if (j.model.variables.length || j.model.postSpike.length) use('plasticity', ...at('synapse'));
    if (j.model.psp) use('continuousPsp', ...at('synapse'));
    const exprs = [...j.model.variables.map((v) => v.rhs), ...j.model.preSpike.map((s) => s.value), ...j.model.postSpike.map((s) => s.value), ...(j.model.psp ? [j.model.psp] : [])];
    if (randomSites(exprs).length) use('randomDraws', ...at('synapse'));
  });
  return uses;
}
