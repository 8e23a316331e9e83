// Brian2's store(name, file) / restore(name, file): a checkpoint file (engine/checkpoint.ts) whose
// context names the one stored state it holds, so another process restores it by name. Connectivity
// is rebuilt from the seed, so only a network of the same structure, seed and dt may restore it.
import { existsSync } from 'node:fs';
import type { Sim } from '../../native/index.js';
import { readSimCheckpoint, writeSimCheckpoint, type CheckpointNetwork } from '../../engine/checkpoint.js';
import type { SimState } from '../state/index.js';

const heldBy = (context: unknown): string | undefined => (context as { snapshot?: string } | null)?.snapshot;
const holds = (file: string, held: string | undefined) => `${file} holds ${held === undefined ? 'a checkpoint, not a stored state' : `the stored state '${held}'`}`;

/** Writes the sim's state to `file` as the stored state `name`; a file holding another state is refused. */
export async function storeToFile(file: string, sim: Sim, network: CheckpointNetwork, name: string): Promise<void> {
  if (existsSync(file)) {
    const held = heldBy((await readSimCheckpoint(file)).header.context);
    if (held !== name) throw new Error(`store: ${holds(file, held)}; store '${name}' in another file (one state per file)`);
  }
  await writeSimCheckpoint(file, sim, network, { snapshot: name });
}

/** The stored state `name` in `file`, checked against the network that restores it. */
export async function readStoredState(file: string, network: CheckpointNetwork, name: string): Promise<SimState> {
  const { header, state } = await readSimCheckpoint(file, { structureHash: network.structureHash });
  const held = heldBy(header.context);
  if (held !== name) throw new Error(`restore: ${holds(file, held)}, not '${name}'`);
  if (header.seed !== network.seed || header.dt !== network.dt)
    throw new Error(`restore: ${file} was stored by a network with seed ${header.seed} and dt ${header.dt} ms; this one has seed ${network.seed} and dt ${network.dt} ms`);
  return state;
}
