// Checkpoints of a running sim: the one writer and reader that the run driver and the Network API
// share. The file (versioned header, SHA-256 of the arrays, temp file + rename) is network/state's;
// this adds what every spikesweep checkpoint is stamped and checked with: the code generator's
// version and the structure hash of the compiled network.
import type { Sim } from '../native/index.js';
import { CODEGEN_VERSION } from '../network/ir/ir.js';
import { captureState, CheckpointError, readCheckpoint, writeCheckpoint, type CheckpointHeader, type SimState } from '../network/state/index.js';

/** What identifies the network a checkpoint belongs to. */
export interface CheckpointNetwork {
  structureHash: string;
  seed: number;
  dt: number;
}

/** Writes the sim's whole state and `context` (JSON: whatever the caller needs to continue) to `path`. */
export async function writeSimCheckpoint(path: string, sim: Sim, network: CheckpointNetwork, context: unknown): Promise<{ bytes: number; step: number }> {
  const state = captureState(sim);
  const { bytes } = await writeCheckpoint(path, state, { codegenVersion: CODEGEN_VERSION, ...network, context });
  return { bytes, step: state.step };
}

/** Reads and verifies a checkpoint written by this code generator (and, given, of this structure). */
export function readSimCheckpoint(path: string, expect: { structureHash?: string } = {}): Promise<{ header: CheckpointHeader; state: SimState }> {
  return readCheckpoint(path, { codegenVersion: CODEGEN_VERSION, ...expect });
}

/** Refuses a checkpoint whose network, recompiled now, has another structure. */
export function checkCheckpointStructure(path: string, header: CheckpointHeader, structureHash: string): void {
  if (structureHash !== header.structureHash)
    throw new CheckpointError(path, `its network compiles to structure ${structureHash}, not ${header.structureHash}`);
}
