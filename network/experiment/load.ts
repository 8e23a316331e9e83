// Loading either kind of file into { network, protocol }: a nets-style experiment (trees), or a
// plain network spec with an optional `protocol:` list. And writing a resolved experiment back as
// a plain network spec with its protocol, which loads back to the same objects.
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { SpecError, type SpecIssue } from '../spec/errors.js';
import { validateNetworkSpec } from '../spec/load.js';
import { NetworkSpecSchema, type NetworkSpec, type NetworkSpecInput } from '../spec/schema.js';
import { parseYamlText, type Locator } from '../spec/yaml.js';
import { convertExperiment, isExperimentObject, type Experiment } from './convert.js';
import { buildProtocol, type Phase, type PhaseSource } from './protocol.js';
import { describe, isMapping, locatedError, resolveTree, toPlainTree } from './tree.js';

export interface LoadedExperiment extends Experiment {
  /** Which kind of file it was. */
  kind: 'experiment' | 'network';
  /** Experiments: the file with every tree resolved (provenance, `spikesweep tree`). */
  tree?: Record<string, unknown>;
}

export function readSpecFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(path, [{ path: [], message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }], what);
  }
}

/** Loads an experiment file or a network spec (with or without `protocol:`). */
export function loadExperiment(path: string): LoadedExperiment {
  return parseExperimentText(readSpecFile(path, 'experiment'), path);
}

export function parseExperimentText(text: string, file: string): LoadedExperiment {
  const { data, locate } = parseYamlText(text, file, 'experiment');
  if (!isMapping(data)) throw new SpecError(file, [{ path: [], message: `expected a mapping (an experiment with layers, … or a network spec with populations, …), got ${describe(data)}`, line: 1, column: 1 }], 'experiment');
  return experimentFromObject(data, file, locate);
}

/** Plain data (as parsed from YAML/JSON) → { network, protocol }; either kind of file. */
export function experimentFromObject(data: Record<string, unknown>, file: string, locate?: Locator): LoadedExperiment {
  if (isExperimentObject(data) && !('populations' in data)) {
    const { network, protocol, tree } = convertExperiment(data, file, locate);
    return { kind: 'experiment', network, protocol, tree };
  }
  const { protocol: rawProtocol, ...rest } = data;
  let network = validateNetworkSpec(rest as NetworkSpecInput, file, locate);
  if (rawProtocol === undefined || rawProtocol === null) return { kind: 'network', network, protocol: null };
  const issues: SpecIssue[] = [];
  const protocol = protocolFromList(rawProtocol, network, issues);
  if (issues.length > 0) throw locatedError(file, issues, locate, 'network spec');
  if (network.duration === undefined && protocol.length > 0) network = { ...network, duration: protocol.reduce((t, p) => t + p.durationMs, 0) };
  return { kind: 'network', network, protocol };
}

/** A `protocol:` list ([{ name, duration, record?, set?, reset? }]) → Phase[], checked against the network. */
export function protocolFromList(raw: unknown, network: NetworkSpec, issues: SpecIssue[]): Phase[] {
  if (!Array.isArray(raw)) {
    issues.push({ path: ['protocol'], message: `protocol must be a list of phases { name, duration, record, set, reset }, got ${describe(raw)}` });
    return [];
  }
  const sources: PhaseSource[] = [];
  raw.forEach((entry, i) => {
    const path = ['protocol', i];
    if (!isMapping(entry)) {
      issues.push({ path, message: `expected a phase { name, duration, record, set, reset }, got ${describe(entry)}` });
      return;
    }
    const { name, ...fields } = entry;
    if (typeof name !== 'string' || name === '') {
      issues.push({ path: name === undefined ? path : [...path, 'name'], message: `a phase needs a name, got ${describe(name)}` });
      return;
    }
    sources.push({ name, fields, path, at: (field) => [...path, field] });
  });
  return buildProtocol(sources, network, issues);
}

/**
 * A resolved experiment as YAML: the full NetworkSpec (no trees, no inheritance, every default
 * written out) and its `protocol:` list. Loading it gives back deep-equal { network, protocol }.
 */
export function experimentToYaml(experiment: Experiment): string {
  // The schema's field order, so writing a loaded file again gives the same text.
  const doc: Record<string, unknown> = {};
  const network = experiment.network as Record<string, unknown>;
  for (const key of [...Object.keys(NetworkSpecSchema.shape), ...Object.keys(network)])
    if (!(key in doc) && network[key] !== undefined) doc[key] = network[key];
  if (experiment.protocol) doc.protocol = experiment.protocol.map(phaseToYamlObject);
  return `# Resolved by spikesweep: a network spec with its protocol (no inheritance left).\n${stringify(doc, { lineWidth: 0 })}`;
}

function phaseToYamlObject(phase: Phase): Record<string, unknown> {
  return { name: phase.name, duration: phase.durationMs, record: phase.record, set: phase.set, reset: phase.reset };
}

/**
 * What `spikesweep tree` prints for a file: an experiment with its trees resolved, or any other
 * YAML document resolved as one parameter tree.
 */
export function resolvedTreeOfText(text: string, file: string): Record<string, unknown> {
  const { data, locate } = parseYamlText(text, file, 'parameter tree');
  if (isMapping(data) && isExperimentObject(data) && !('populations' in data)) {
    // An experiment is converted in full (so bad input is reported); its `tree` is the resolved file.
    return convertExperiment(data, file, locate).tree;
  }
  if (data !== null && data !== undefined && !isMapping(data)) throw new SpecError(file, [{ path: [], message: `expected a mapping (a tree node), got ${describe(data)}`, line: 1, column: 1 }], 'parameter tree');
  return toPlainTree(resolveTree(data, { file, locate }));
}
