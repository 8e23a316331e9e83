// NetworkSpec: the one plain, validated description of a network that both the YAML loader and
// the TypeScript builder produce. Everything downstream (structure hash, codegen, runtime values)
// reads only this.
import { z } from 'zod';
import { DistributionSchema } from './distributions.js';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected a name of letters, digits and _ starting with a letter');
const methods = z.enum(['explicit', 'exponential', 'midpoint', 'rk4', 'exact']);

export const NeuronDescriptionSchema = z.object({
  name: z.string().optional(),
  parameters: z.string().optional(),
  equations: z.string().optional(),
  spike: z.string().optional(),
  reset: z.string().optional(),
  refractory: z.union([finite.nonnegative(), z.string()]).optional(),
  functions: z.string().optional(),
  method: methods.optional(),
}).strict();

export const SynapseDescriptionSchema = z.object({
  name: z.string().optional(),
  parameters: z.string().optional(),
  equations: z.string().optional(),
  preSpike: z.string().optional(),
  postSpike: z.string().optional(),
  psp: z.string().optional(),
  functions: z.string().optional(),
  method: methods.optional(),
}).strict();

// A value for a parameter or variable: one number, one per neuron, or a distribution.
export const ValueSchema = z.union([finite, z.array(finite), DistributionSchema]);
const WeightSchema = z.union([finite, DistributionSchema]);
const DelaySchema = z.union([finite.positive(), DistributionSchema]);

const common = {
  weights: WeightSchema.default(1),
  delays: DelaySchema.optional(),
};
const selfConnections = { allowSelfConnections: z.boolean().default(false) };

export const ConnectorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('allToAll'), ...common, ...selfConnections }).strict(),
  z.object({ type: z.literal('oneToOne'), ...common }).strict(),
  z.object({ type: z.literal('fixedProbability'), probability: finite.min(0).max(1), ...common, ...selfConnections }).strict(),
  z.object({ type: z.literal('fixedNumberPre'), number: z.number().int().nonnegative(), ...common, ...selfConnections }).strict(),
  z.object({ type: z.literal('fixedNumberPost'), number: z.number().int().nonnegative(), ...common, ...selfConnections }).strict(),
  z.object({
    type: z.literal('fromSparse'),
    pre: z.array(z.number().int().nonnegative()),
    post: z.array(z.number().int().nonnegative()),
    weights: z.union([finite, z.array(finite)]).default(1),
    delays: z.union([finite.positive(), z.array(finite.positive())]).optional(),
  }).strict(),
]);

export const PopulationSchema = z.object({
  name,
  geometry: z.union([z.number().int().positive(), z.array(z.number().int().positive()).min(1)]),
  neuron: z.union([z.string(), NeuronDescriptionSchema]),
  values: z.record(z.string(), ValueSchema).default({}),
  spikeTimes: z.array(z.array(finite.nonnegative())).optional(),
  stopCondition: z.string().optional(),
}).strict();

export const ProjectionSchema = z.object({
  name,
  pre: name,
  post: name,
  target: name,
  synapse: z.union([z.string(), SynapseDescriptionSchema]).default('static'),
  connector: ConnectorSchema,
  values: z.record(z.string(), z.union([finite, DistributionSchema])).default({}),
  learning: z.boolean().default(true),
}).strict();

export const MonitorSchema = z.object({
  name: name.optional(),
  target: name,
  indices: z.array(z.number().int().nonnegative()).optional().refine((l) => !l || new Set(l).size === l.length, 'each neuron once (a neuron listed twice would be recorded twice)'),
  variables: z.array(z.string()).min(1).refine((l) => new Set(l).size === l.length, 'each variable once (a variable listed twice would be recorded twice)'),
  period: finite.positive().optional(),
  start: finite.nonnegative().default(0),
}).strict();

// ANNarchy's boldmonitor: a BOLD model (network/models/bold.ts) fed each step with the mean of a
// variable over the recorded populations (network/ir/bold.ts says how).
export const BoldMonitorSchema = z.object({
  name: name.optional(),
  populations: z.array(name).min(1, 'a BOLD monitor records at least one population'),
  model: z.string().default('balloon_RN'),
  /** Values of the model's parameters other than its defaults (ANNarchy's model arguments). */
  parameters: z.record(z.string(), finite).default({}),
  /** Model input → the variable of the recorded populations whose mean feeds it. */
  mapping: z.record(z.string(), z.string()).default({ I_CBF: 'r' }),
  /** Weight of each population's mean (default: its share of the recorded neurons). */
  scaleFactor: z.array(finite).optional(),
  /** Baseline window in ms, for all populations or one each; 0: no normalisation. */
  normalizeInput: z.union([finite.nonnegative(), z.array(finite.nonnegative())]).default(0),
  recordedVariables: z.array(z.string()).default([]),
  start: finite.nonnegative().default(0),
  period: finite.positive().optional(),
}).strict();

export const ConfigSchema = z.object({
  numThreads: z.number().int().positive().default(1),
  precision: z.enum(['double', 'float']).default('double'),
  method: methods.default('explicit'),
}).strict();

/** The host C++ compilers a network can be built with (the CPU backends and the cuda emulation). */
export const HOST_COMPILERS = ['g++', 'clang++'] as const;

export const NetworkSpecSchema = z.object({
  // It names the run's output folder (out/<name>-<seed>): no path separators, nothing empty.
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, _ . - (it names the output folder)').default('network'),
  dt: finite.positive().default(0.1),
  seed: z.number().int().nonnegative().optional(),
  duration: finite.positive().optional(),
  constants: z.record(name, finite).default({}),
  neurons: z.record(name, NeuronDescriptionSchema).default({}),
  synapses: z.record(name, SynapseDescriptionSchema).default({}),
  populations: z.array(PopulationSchema).min(1, 'a network needs at least one population'),
  projections: z.array(ProjectionSchema).default([]),
  monitors: z.array(MonitorSchema).default([]),
  // Optional, without a default: a spec without BOLD monitors keeps its hash.
  boldMonitors: z.array(BoldMonitorSchema).optional(),
  config: ConfigSchema.default({ numThreads: 1, precision: 'double', method: 'explicit' }),
  compiler: z.enum(HOST_COMPILERS).optional(),
  compilerFlags: z.array(z.string()).optional(),
}).strict();

export type NeuronDescription = z.infer<typeof NeuronDescriptionSchema>;
export type SynapseDescription = z.infer<typeof SynapseDescriptionSchema>;
export type ValueSpec = z.infer<typeof ValueSchema>;
export type ConnectorSpec = z.infer<typeof ConnectorSchema>;
export type PopulationSpec = z.infer<typeof PopulationSchema>;
export type ProjectionSpec = z.infer<typeof ProjectionSchema>;
export type MonitorSpec = z.infer<typeof MonitorSchema>;
export type BoldMonitorSpec = z.infer<typeof BoldMonitorSchema>;
export type NetworkConfig = z.infer<typeof ConfigSchema>;
export type NetworkSpec = z.infer<typeof NetworkSpecSchema>;
export type NetworkSpecInput = z.input<typeof NetworkSpecSchema>;
