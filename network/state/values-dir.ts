// ANNarchy-style save/load of a simulation's parameters and variables: one NumPy .npy file per
// array plus index.json, readable by numpy.load and by any tool that reads .npy.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sim } from '../../native/index.js';
import { decodeNpy, encodeNpy } from './npy.js';

// Settable arrays are parameters and variables; names whose last part starts with _ are internal.
const isValue = (a: { name: string; settable: boolean }) => a.settable && !a.name.split('.').pop()!.startsWith('_');

export async function saveValues(sim: Sim, directory: string, meta: { network: string; structureHash: string; tMs: number }): Promise<void> {
  await mkdir(directory, { recursive: true });
  const saved = sim.arrays().filter(isValue);
  for (const a of saved) await writeFile(join(directory, `${a.name}.npy`), encodeNpy(a.dtype, sim.getArray(a.name)));
  const index = { format: 'spikesweep-values', version: 1, ...meta, arrays: saved.map((a) => ({ name: a.name, file: `${a.name}.npy`, dtype: a.dtype, length: a.length })) };
  await writeFile(join(directory, 'index.json'), JSON.stringify(index, null, 2) + '\n');
}

export async function loadValues(sim: Sim, directory: string): Promise<void> {
  const index = JSON.parse(await readFile(join(directory, 'index.json'), 'utf8')) as { arrays: { name: string; file: string }[] };
  const present = new Map(sim.arrays().map((a) => [a.name, a]));
  for (const entry of index.arrays) {
    const target = present.get(entry.name);
    if (!target || !isValue(target)) throw new Error(`load: '${entry.name}' is not a parameter or variable of this network`);
    const { data } = decodeNpy(await readFile(join(directory, entry.file)), join(directory, entry.file));
    if (data.length !== target.length) throw new Error(`load: '${entry.name}' has ${data.length} values, this network needs ${target.length}`);
    sim.setArray(entry.name, data);
  }
}
