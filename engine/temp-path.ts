import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

// Unique per process (the pid may be reused after a crash left a temp file behind) and per call.
const processTag = `${process.pid}.${randomBytes(4).toString('hex')}`;
let calls = 0;

/** A unique temp name beside `path`: same folder so rename() is atomic (same filesystem), a leading
 * dot and a `.tmp` suffix so readers globbing `*.parquet` / `*.json` never pick up a partial file. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${processTag}.${(calls++).toString(36)}.tmp`);
}
