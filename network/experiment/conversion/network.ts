// The converted parts → one NetworkSpec, validated by the NetworkSpec validators; their issues are
// moved back to where the experiment wrote each value (Conversion.locate).
import { SpecError } from '../../spec/errors.js';
import { validateNetworkSpec } from '../../spec/load.js';
import type { NetworkSpec, NetworkSpecInput } from '../../spec/schema.js';
import { isMapping } from '../tree.js';
import type { Conversion } from './context.js';

export interface NetworkParts {
  populations: Record<string, unknown>[];
  projections: Record<string, unknown>[];
  monitors: Record<string, unknown>[];
}

/** The validated NetworkSpec, or null when the validators found issues (added to c.issues). */
export function assembleNetwork(raw: Record<string, unknown>, c: Conversion, parts: NetworkParts, file: string): NetworkSpec | null {
  const input: Record<string, unknown> = {};
  for (const key of ['name', 'dt', 'seed', 'constants', 'config'] as const) if (raw[key] !== undefined) input[key] = raw[key];
  if (raw.compiler_flags !== undefined) {
    input.compilerFlags = raw.compiler_flags;
    c.note(['compilerFlags'], ['compiler_flags'], ['compiler_flags'], 'compiler_flags');
  }
  const models = isMapping(raw.models) ? raw.models : {};
  if (models.neurons !== undefined) {
    input.neurons = models.neurons;
    c.note(['neurons'], ['models', 'neurons'], ['models', 'neurons'], 'models.neurons');
  }
  if (models.synapses !== undefined) {
    input.synapses = models.synapses;
    c.note(['synapses'], ['models', 'synapses'], ['models', 'synapses'], 'models.synapses');
  }
  input.populations = parts.populations;
  input.projections = parts.projections;
  input.monitors = parts.monitors;
  if (raw.duration !== undefined) input.duration = raw.duration;
  try {
    return validateNetworkSpec(input as NetworkSpecInput, file);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    c.issues.push(...e.issues.map((issue) => c.locate(issue)));
    return null;
  }
}
