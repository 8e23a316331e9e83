// The spikesweep model API: networks of equation-defined neurons, compiled to native code.
export { Network, type CompileOptions, type CompileReport, type SimulateOptions } from './api/network.js';
export type { GetStatesOptions, NetworkStates, StateValues } from './api/states.js';
export type { ReportCallback, RunReport } from './api/run-report.js';
export type { ScheduledPhase } from './api/scheduling.js';
export { ParallelRunError, type CopyMethod, type ParallelRunOptions, type ParallelRunResult, type ParallelSeeds } from './api/parallel-run.js';
export { Population, PopulationView, type PopulationValue } from './api/population.js';
export { Projection } from './api/projection.js';
export { Monitor, type SpikeRecord, type VariableRecord } from './api/monitor.js';
export { Uniform, Normal, LogNormal, type Distribution } from './spec/distributions.js';
export { loadNetworkSpec, parseNetworkSpecText, validateNetworkSpec } from './spec/load.js';
export { SpecError, type SpecIssue } from './spec/errors.js';
export { NetworkBuildError } from './ir/ir.js';
export { EquationErrors } from './equations/index.js';
export { CompileError } from '../backends/cache.js';
export { BACKEND_NAMES, type BackendName } from '../backends/types.js';
export { builtinNeurons, LIF_CUBA, LIF_COBA, Izhikevich, AdEx, HodgkinHuxley, Poisson } from './models/neurons.js';
export { builtinSynapses, Static, STDP } from './models/synapses.js';
export type { NetworkSpec, NeuronDescription, SynapseDescription } from './spec/schema.js';
