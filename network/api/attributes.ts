// The attribute names (parameters and variables) a population's or projection's model declares,
// for checking names users set, get and record. Parsing is cheap and needs no compile.
import { namedModel, neuronNames, SPIKE_SOURCE, synapseNames } from '../ir/models.js';
import { parseNeuron, parseSynapse } from '../equations/index.js';
import { builtinNeurons } from '../models/neurons.js';
import { builtinSynapses } from '../models/synapses.js';
import type { NetworkSpec, PopulationSpec, ProjectionSpec } from '../spec/schema.js';

export function populationAttributes(spec: NetworkSpec, pop: PopulationSpec): string[] {
  if (pop.neuron === SPIKE_SOURCE) return [];
  const desc = typeof pop.neuron === 'string' ? namedModel(spec.neurons, builtinNeurons, pop.neuron) : pop.neuron;
  if (!desc) throw new Error(`population '${pop.name}': unknown neuron model '${pop.neuron}'`);
  const model = parseNeuron({ name: pop.name, ...desc }, { constants: Object.keys(spec.constants) });
  return [...neuronNames(model), ...(model.refractory?.kind === 'number' ? ['refractory'] : [])];
}

export function projectionAttributes(spec: NetworkSpec, proj: ProjectionSpec): string[] {
  const desc = typeof proj.synapse === 'string' ? namedModel(spec.synapses, builtinSynapses, proj.synapse) : proj.synapse;
  if (!desc) throw new Error(`projection '${proj.name}': unknown synapse model '${proj.synapse}'`);
  return synapseNames(parseSynapse({ name: proj.name, ...desc }, { constants: Object.keys(spec.constants) }));
}
