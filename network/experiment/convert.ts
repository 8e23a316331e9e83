// A nets-style experiment (trees of neuron models, synapse models, layers, connection models and
// recorders; a list of connections; session models and the list of sessions) → the one validated
// NetworkSpec plus its protocol. Every value in the NetworkSpec remembers where in the experiment
// it was written, so the NetworkSpec validators' messages point at the experiment's tree path and
// line. Each part of the conversion is its own module under conversion/.
import type { SpecIssue } from '../spec/errors.js';
import type { NetworkSpec } from '../spec/schema.js';
import type { Locator } from '../spec/yaml.js';
import { connectionsToProjections } from './conversion/connections.js';
import { Conversion } from './conversion/context.js';
import { layersToPopulations } from './conversion/layers.js';
import { checkNeuronModels, checkSynapseModels, declaredModels } from './conversion/models.js';
import { assembleNetwork } from './conversion/network.js';
import { recordersToMonitors } from './conversion/recorders.js';
import { PLAIN_KEYS, TREE_SECTIONS, type TreeSection } from './conversion/sections.js';
import { sessionsToProtocol } from './conversion/sessions.js';
import type { Phase } from './protocol.js';
import { locatedError, namedLeaves, resolveTreeInto, toPlainTree, type PlainTree, type ResolvedTree } from './tree.js';

export { LEAF_FIELDS, PLAIN_KEYS, TREE_SECTIONS, type TreeSection } from './conversion/sections.js';

export interface Experiment {
  network: NetworkSpec;
  /** The phases to run, or null when the file has none (run for the network's duration). */
  protocol: Phase[] | null;
}

export interface ConvertedExperiment extends Experiment {
  /** The experiment with every tree resolved (for `spikesweep tree` and provenance). */
  tree: Record<string, unknown>;
}

/** Resolves the trees of an experiment file; tree problems go to `issues`. */
export function resolveExperimentTrees(raw: Record<string, unknown>, issues: SpecIssue[]): Record<TreeSection, ResolvedTree> {
  const trees = {} as Record<TreeSection, ResolvedTree>;
  for (const section of TREE_SECTIONS) trees[section] = resolveTreeInto(raw[section] ?? null, [section], issues);
  return trees;
}

/** The experiment with its trees resolved, in plain form: what `spikesweep tree` prints. */
export function plainExperimentTree(raw: Record<string, unknown>, trees: Record<TreeSection, ResolvedTree>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    out[key] = (TREE_SECTIONS as readonly string[]).includes(key) ? toPlainTree(trees[key as TreeSection]) as PlainTree : raw[key];
  }
  return out;
}

export function isExperimentObject(raw: Record<string, unknown>): boolean {
  return TREE_SECTIONS.some((s) => s in raw) || 'connections' in raw || 'sessions' in raw;
}

/** Experiment (plain data from YAML) → validated { network, protocol }; throws a located SpecError. */
export function convertExperiment(raw: Record<string, unknown>, file: string, locate?: Locator): ConvertedExperiment {
  const issues: SpecIssue[] = [];
  const fail = () => locatedError(file, issues, locate, 'experiment');
  for (const key of Object.keys(raw))
    if (!(TREE_SECTIONS as readonly string[]).includes(key) && !(PLAIN_KEYS as readonly string[]).includes(key))
      issues.push({ path: [key], message: `unknown experiment section '${key}' (expected ${[...PLAIN_KEYS, ...TREE_SECTIONS].join(', ')})${key === 'populations' ? '; a file with populations is a network spec, not an experiment' : ''}` });
  const trees = resolveExperimentTrees(raw, issues);
  if (issues.length > 0) throw fail();
  const leaves = Object.fromEntries(TREE_SECTIONS.map((s) => [s, namedLeaves(trees[s], issues)])) as Record<TreeSection, Map<string, ResolvedTree>>;
  if (issues.length > 0) throw fail();

  const c = new Conversion(leaves, declaredModels(raw, issues), issues);
  checkNeuronModels(c);
  checkSynapseModels(c);
  const populations = layersToPopulations(c);
  const projections = connectionsToProjections(raw, c);
  const monitors = recordersToMonitors(c, new Set(projections.map((p) => p.name as string)));
  if (issues.length > 0) throw fail();

  const network = assembleNetwork(raw, c, { populations, projections, monitors }, file);
  if (!network) throw fail();
  const converted = sessionsToProtocol(raw, c, network);
  if (issues.length > 0) throw fail();
  return { ...converted, tree: plainExperimentTree(raw, trees) };
}
