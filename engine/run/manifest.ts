// The run manifest (provenance: spec, seeds, versions, host, timings) as JSON, published atomically
// so a reader never sees half a manifest and a crash leaves only a dot-named temp file.
import { open, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import { tempPathFor } from '../temp-path.js';

export interface HostInfo {
  hostname: string;
  platform: NodeJS.Platform;
  arch: string;
  cpuModel: string;
  cpus: number;
  totalMemoryBytes: number;
  node: string;
}

export async function writeManifest(path: string, manifest: object): Promise<void> {
  const temp = tempPathFor(path);
  const file = await open(temp, 'wx');
  try {
    await file.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
    await file.sync(); // the bytes are on disk before the name points at them
    await file.close();
    await rename(temp, path);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}

export function describeHost(): HostInfo {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    totalMemoryBytes: os.totalmem(),
    node: process.version,
  };
}
