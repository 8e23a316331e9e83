import { open, rename, rm } from 'node:fs/promises';
import { tempPathFor } from './temp-path.js';

/** Publishes `data` at `path` atomically: a reader never sees half a file, and a crash leaves only a dot-named temp file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  const file = await open(temp, 'wx');
  try {
    await file.writeFile(data);
    await file.sync(); // the bytes are on disk before the name points at them
    await file.close();
    await rename(temp, path);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}
