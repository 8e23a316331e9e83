// Entry of activities/simulate: one simulation run from a NetworkSpec to Parquet files, a
// manifest and a RunReport. See README.md.
export { drawSeed, runSimulation } from './run.js';
export type { PopulationReport, RunReport, RunSimulationOptions, RunTimings } from './types.js';
