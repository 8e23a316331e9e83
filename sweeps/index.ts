// The programmatic sweep API (`spikesweep/sweep`): submit a sweep from a file or an object (with a
// network built in code: `network: net.toSpec()`), attach to one by id, follow its progress,
// cancel it, and query its results with SQL. See README.md.
export { SweepClient, type SubmitOptions, type SweepClientOptions } from './client.js';
export { SweepHandle, type SweepDescription, type SweepProgress, type SweepResult, type SweepStatus } from './handle.js';
export { SweepNotFoundError, TemporalServerError } from './server-errors.js';
export { SweepOutputError } from './network-store.js';
export type { PublishedProgress } from './status.js';
export { loadSweepSpec, parseSweepSpecText, sweepSpecFromObject, type SweepDefinition, type SweepSpec } from './spec.js';
export { sweepIdOf } from './ids.js';
export { openResults, type QueryResult, type ResultsDb } from '../results/index.js';
export { RunAnalysis, type AnalysisWindow } from '../report/run-analysis.js';
export type { SweepBackend } from '../workflows/contract.js';
