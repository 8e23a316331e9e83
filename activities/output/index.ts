// Entry of activities/output: what one simulation run writes — spikes.parquet, state.parquet,
// the canonical spike hash and the run manifest. See README.md.
export { openSpikeWriter, type SpikeBatch, type SpikeWriter } from './spike-writer.js';
export { openStateWriter, type StateBatch, type StateWriter } from './state-writer.js';
export type { WriteResult } from './parquet-sink.js';
export type { RunOptions } from './run-options.js';
export { SpikeHasher, type SpikeWindowBatch } from './spike-hasher.js';
export { describeHost, writeManifest, type HostInfo } from './manifest.js';
export { replaySpikeParts, type ReplayedPart } from './spike-replay.js';
