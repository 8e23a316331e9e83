// Entry of activities/simulate: one simulation run from a NetworkSpec (and an optional protocol)
// to Parquet files, a manifest and a RunReport; checkpointed runs can be resumed. See README.md.
export { drawSeed, runSimulation, ResumeError } from './run.js';
export { resumeSimulation } from './resume.js';
export type { PopulationReport, ResumeSimulationOptions, RunReport, RunSimulationOptions, RunTimings } from './types.js';
