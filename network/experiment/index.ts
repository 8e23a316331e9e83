// Experiments: nets-style parameter trees and sessions → { network: NetworkSpec, protocol: Phase[] }.
export {
  resolveTree, resolveTreeInto, toPlainTree, treeLeaves, namedLeaves, findNode, formatTreePath,
  type Params, type TreePath, type ResolvedTree, type PlainTree, type ResolveOptions,
} from './tree.js';
export {
  buildProtocol, selectUnits, proportionCount, PHASE_FIELDS,
  type Phase, type SetAction, type PhaseSource,
} from './protocol.js';
export {
  convertExperiment, resolveExperimentTrees, isExperimentObject, TREE_SECTIONS, LEAF_FIELDS,
  type Experiment, type ConvertedExperiment, type TreeSection,
} from './convert.js';
export {
  loadExperiment, parseExperimentText, experimentFromObject, protocolFromList, experimentToYaml, resolvedTreeOfText,
  type LoadedExperiment,
} from './load.js';
