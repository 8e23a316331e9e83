import { open, rename, rm } from 'node:fs/promises';
import { tempPathFor } from './temp-path.js';

/**
 * Publishes `data` at `path` atomically: a reader never sees half a file, and a crash leaves only a
 * dot-named temp file. `durable` (default) also puts the bytes on disk before the name points at
 * them, so that a power loss cannot leave a named empty file; files whose loss is harmless skip it.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, { durable = true } = {}): Promise<void> {
  const temp = tempPathFor(path);
  const file = await open(temp, 'wx');
  try {
    await file.writeFile(data);
    if (durable) await file.sync();
    await file.close();
    await rename(temp, path);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}
