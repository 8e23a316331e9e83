// The sections of an experiment file and the fields each kind of tree leaf takes.

/** The tree sections of an experiment file, in the order they are resolved and printed. */
export const TREE_SECTIONS = ['neuron_models', 'synapse_models', 'layers', 'connection_models', 'recorders', 'session_models'] as const;
export type TreeSection = (typeof TREE_SECTIONS)[number];
/** The other top-level keys of an experiment file. */
export const PLAIN_KEYS = ['name', 'dt', 'seed', 'duration', 'constants', 'config', 'compiler_flags', 'models', 'connections', 'sessions'] as const;

/** Keys of a leaf's params that configure the item itself; every other key is a model value. */
export const LEAF_FIELDS = {
  neuron_models: ['model'],
  synapse_models: ['model', 'learning'],
  layers: ['n', 'geometry', 'neuron_model', 'spike_times', 'stop_condition'],
  connection_models: ['type', 'probability', 'number', 'weights', 'delays', 'allow_self_connections', 'synapse_model', 'target', 'learning'],
  recorders: ['layer', 'projection', 'variables', 'period', 'start', 'indices'],
} as const;
