// The engine: one simulation run from a NetworkSpec (and an optional protocol) to Parquet files,
// a manifest and a RunReport, resumable from checkpoints. Used by `spikesweep run`, the sweep's
// runner processes and (monitors, checkpoints) the Network API. See README.md.
export { runNetwork } from './run/run.js';
export { runBatch, runBatchSettled, type BatchCopy, type RunBatchOptions } from './run/batch.js';
export { resumeRun } from './run/resume.js';
export { drawSeed } from './run/session.js';
export { classifyRunError, ResumeError, type ClassifiedError, type ErrorKind } from './run/errors.js';
export { describeHost, writeManifest, type HostInfo } from './run/manifest.js';
export { spikesweepVersion } from './run/versions.js';
export { CHECKPOINTS_DIR } from './run/layout.js';
export type { PopulationReport, ResumeRunOptions, RunReport, RunNetworkOptions, RunTimings } from './run/options.js';
export { openSpikeWriter, type SpikeBatch, type SpikeWriter } from './parquet/spike-writer.js';
export { openStateWriter, type StateBatch, type StateWriter } from './parquet/state-writer.js';
export type { WriteResult } from './parquet/parquet-sink.js';
export { warmHosts as warmParquetWriters } from './parquet/sink-threads.js';
export type { WriterOptions } from './parquet/writer-options.js';
export { replaySpikeParts, type ReplayedPart } from './parquet/spike-replay.js';
export { SpikeHasher, type SpikeWindowBatch } from './spike-hash.js';
