export { captureState, applyState, isStateArray, type SimState } from './snapshot.js';
export { writeCheckpoint, readCheckpoint, CheckpointError, CHECKPOINT_FORMAT, type CheckpointHeader, type CheckpointMeta } from './checkpoint-file.js';
export { encodeNpy, decodeNpy } from './npy.js';
export { saveValues, loadValues } from './values-dir.js';
