import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** A unique temp name beside `path`: same folder so rename() is atomic (same filesystem), a leading
 * dot and a `.tmp` suffix so readers globbing `*.parquet` / `*.json` never pick up a partial file. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}
