// The `models:` section (neuron and synapse descriptions the file declares) and the
// neuron_models / synapse_models leaves: each names a known model (built-in or declared) or
// describes one inline.
import { SPIKE_SOURCE } from '../../ir/models.js';
import { builtinNeurons } from '../../models/neurons.js';
import { builtinSynapses } from '../../models/synapses.js';
import type { SpecIssue } from '../../spec/errors.js';
import { describe, isMapping } from '../tree.js';
import { at, own, type Conversion, type DeclaredModels } from './context.js';

export function declaredModels(raw: Record<string, unknown>, issues: SpecIssue[]): DeclaredModels {
  const models = isMapping(raw.models) ? raw.models : {};
  if (raw.models !== undefined && raw.models !== null && !isMapping(raw.models)) issues.push({ path: ['models'], message: `models must be a mapping with neurons and/or synapses, got ${describe(raw.models)}` });
  for (const key of Object.keys(models)) if (key !== 'neurons' && key !== 'synapses') issues.push({ path: ['models', key], message: `unknown models section '${key}' (expected neurons, synapses)` });
  return { neurons: isMapping(models.neurons) ? models.neurons : {}, synapses: isMapping(models.synapses) ? models.synapses : {} };
}

/** Neuron models: `model` plus values. */
export function checkNeuronModels(c: Conversion): void {
  const declared = c.models.neurons;
  for (const leaf of c.leaves.neuron_models.values()) {
    const model = leaf.params.model;
    if (model === undefined) c.bad(leaf.path, `neuron model '${leaf.name}' needs a model (a built-in such as LIF_CUBA, or one declared under models.neurons)`);
    else if (typeof model === 'string' && !c.knownNeuron(model))
      c.bad(at(leaf, 'model'), `unknown neuron model '${model}' (built-in: ${[...Object.keys(builtinNeurons), SPIKE_SOURCE].join(', ')}; declared: ${Object.keys(declared).join(', ') || 'none'})${own(leaf, 'model') ? '' : ` (neuron model '${leaf.name}')`}`);
    else if (typeof model !== 'string' && !isMapping(model)) c.bad(at(leaf, 'model'), `model must be a model name or a neuron description, got ${describe(model)}`);
  }
}

/** Synapse models: `model` (default static), learning, values. */
export function checkSynapseModels(c: Conversion): void {
  const declared = c.models.synapses;
  for (const leaf of c.leaves.synapse_models.values()) {
    const model = leaf.params.model;
    if (typeof model === 'string' && !c.knownSynapse(model))
      c.bad(at(leaf, 'model'), `unknown synapse model '${model}' (built-in: ${Object.keys(builtinSynapses).join(', ')}; declared: ${Object.keys(declared).join(', ') || 'none'})${own(leaf, 'model') ? '' : ` (synapse model '${leaf.name}')`}`);
    else if (model !== undefined && typeof model !== 'string' && !isMapping(model)) c.bad(at(leaf, 'model'), `model must be a model name or a synapse description, got ${describe(model)}`);
  }
}
