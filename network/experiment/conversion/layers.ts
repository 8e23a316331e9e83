// Layers → NetworkSpec populations: size (n or geometry), the neuron model (a neuron_models leaf,
// whose values the population takes, or a known model), the layer's own values, spike times and
// stop condition.
import { builtinNeurons } from '../../models/neurons.js';
import { describe } from '../tree.js';
import { at, extras, listOf, own, type Conversion } from './context.js';
import { LEAF_FIELDS } from './sections.js';

export function layersToPopulations(c: Conversion): Record<string, unknown>[] {
  const { leaves } = c;
  const populations: Record<string, unknown>[] = [];
  [...leaves.layers.values()].forEach((leaf, i) => {
    const p = leaf.params;
    const base: (string | number)[] = ['populations', i];
    c.note(base, leaf.path, leaf, `layer '${leaf.name}'`);
    c.note([...base, 'name'], leaf.path, leaf, `layer '${leaf.name}'`);
    const pop: Record<string, unknown> = { name: leaf.name };
    if (p.n !== undefined && p.geometry !== undefined) c.bad(own(leaf, 'geometry') ? at(leaf, 'geometry') : at(leaf, 'n'), `layer '${leaf.name}': give n or geometry, not both`);
    const sizeKey = p.geometry !== undefined ? 'geometry' : 'n';
    if (p[sizeKey] === undefined) c.bad(leaf.path, `layer '${leaf.name}' needs n (its number of units) or geometry`);
    pop.geometry = p[sizeKey];
    c.note([...base, 'geometry'], at(leaf, sizeKey), leaf, `layer '${leaf.name}'`);
    let values: Record<string, unknown> = {};
    const ref = p.neuron_model;
    if (ref === undefined) c.bad(leaf.path, `layer '${leaf.name}' needs a neuron_model (a leaf of neuron_models: ${listOf(leaves.neuron_models)}; or a built-in model)`);
    else if (typeof ref !== 'string') c.bad(at(leaf, 'neuron_model'), `neuron_model must be a name, got ${describe(ref)}`);
    else {
      const model = leaves.neuron_models.get(ref);
      if (model) {
        pop.neuron = model.params.model;
        c.note([...base, 'neuron'], at(model, 'model'), leaf, `layer '${leaf.name}', neuron model '${ref}'`);
        for (const key of extras(model, LEAF_FIELDS.neuron_models)) {
          values[key] = model.params[key];
          c.note([...base, 'values', key], at(model, key), leaf, `layer '${leaf.name}', neuron model '${ref}'`);
        }
      } else if (c.knownNeuron(ref)) {
        pop.neuron = ref;
        c.note([...base, 'neuron'], at(leaf, 'neuron_model'), leaf, `layer '${leaf.name}'`);
      } else c.bad(at(leaf, 'neuron_model'), `unknown neuron model '${ref}' (neuron_models leaves: ${listOf(leaves.neuron_models)}; built-in: ${Object.keys(builtinNeurons).join(', ')})${own(leaf, 'neuron_model') ? '' : ` (layer '${leaf.name}')`}`);
    }
    for (const key of extras(leaf, LEAF_FIELDS.layers)) {
      values[key] = p[key];
      c.note([...base, 'values', key], at(leaf, key), leaf, `layer '${leaf.name}'`);
    }
    if (Object.keys(values).length === 0) values = {};
    pop.values = values;
    if (p.spike_times !== undefined) {
      pop.spikeTimes = p.spike_times;
      c.note([...base, 'spikeTimes'], at(leaf, 'spike_times'), leaf, `layer '${leaf.name}'`);
    }
    if (p.stop_condition !== undefined) {
      pop.stopCondition = p.stop_condition;
      c.note([...base, 'stopCondition'], at(leaf, 'stop_condition'), leaf, `layer '${leaf.name}'`);
    }
    populations.push(pop);
  });
  return populations;
}
