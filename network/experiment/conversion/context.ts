// What the parts of one experiment conversion share: the resolved leaves of every tree section,
// the models the file declares, the issues found so far, and where in the experiment each value
// of the NetworkSpec was written — so that the NetworkSpec validators' messages can be moved back
// to the experiment's tree path and line.
import { builtinNeurons } from '../../models/neurons.js';
import { builtinSynapses } from '../../models/synapses.js';
import { SPIKE_SOURCE } from '../../ir/models.js';
import type { SpecIssue } from '../../spec/errors.js';
import { describe, type ResolvedTree, type TreePath } from '../tree.js';
import type { TreeSection } from './sections.js';

type SpecPath = (string | number)[];

/** The NetworkSpec value at `spec` was written at `doc`, for the experiment item at `item`. */
interface Origin {
  spec: SpecPath;
  doc: TreePath;
  item: TreePath;
  about: string;
}

/** The neuron and synapse descriptions under the file's `models:` section. */
export interface DeclaredModels {
  neurons: Record<string, unknown>;
  synapses: Record<string, unknown>;
}

export class Conversion {
  private readonly origins: Origin[] = [];

  constructor(
    readonly leaves: Record<TreeSection, Map<string, ResolvedTree>>,
    readonly models: DeclaredModels,
    readonly issues: SpecIssue[],
  ) {}

  bad(path: TreePath, message: string): void {
    this.issues.push({ path, message });
  }

  note(spec: SpecPath, doc: TreePath, item: ResolvedTree | TreePath, about: string): void {
    this.origins.push({ spec, doc, item: Array.isArray(item) ? item : item.path, about });
  }

  knownNeuron(name: string): boolean {
    return Object.hasOwn(this.models.neurons, name) || Object.hasOwn(builtinNeurons, name) || name === SPIKE_SOURCE;
  }

  knownSynapse(name: string): boolean {
    return Object.hasOwn(this.models.synapses, name) || Object.hasOwn(builtinSynapses, name);
  }

  /** A NetworkSpec validator's issue moved to where the experiment wrote the value (the deepest noted origin). */
  locate(issue: SpecIssue): SpecIssue {
    let best: Origin | undefined;
    for (const o of this.origins)
      if (o.spec.length <= issue.path.length && o.spec.every((p, k) => issue.path[k] === p) && (!best || o.spec.length > best.spec.length)) best = o;
    if (!best) return issue; // top-level keys keep their names
    const path = [...best.doc, ...issue.path.slice(best.spec.length)];
    const inside = best.item.every((p, k) => best!.doc[k] === p);
    return { ...issue, path, message: inside ? issue.message : `${issue.message} (${best.about})` };
  }
}

/** Where a leaf's field was written (the leaf itself or an ancestor). */
export const at = (leaf: ResolvedTree, key: string): TreePath => leaf.origins[key] ?? leaf.path;

/** Whether the leaf wrote the field itself (not inherited from an ancestor). */
export const own = (leaf: ResolvedTree, key: string): boolean => {
  const o = leaf.origins[key];
  return o !== undefined && leaf.path.every((p, k) => o[k] === p);
};

/** The leaf's params that are not among `fields`: model values. */
export const extras = (leaf: ResolvedTree, fields: readonly string[]): string[] => Object.keys(leaf.params).filter((k) => !fields.includes(k));

export const quoted = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : describe(v));
export const listOf = (m: Map<string, unknown>): string => [...m.keys()].join(', ') || 'none';
