// A sweep's network spec, stored once in its dataset folder and addressed by its content:
// `<output>/<sweepId>/network/<sha256>.json`. The workflow and activity inputs carry only the hash
// (Temporal takes at most 2 MB per payload, and repeats inputs in history); every worker reads the
// spec from the folder it already shares for the dataset, and checks the hash before it runs.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/atomic-write.js';
import type { NetworkSpec } from '../network/spec/schema.js';

/** A spec file that is missing, unreadable or not the spec its hash names. */
export class NetworkSpecFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkSpecFileError';
  }
}

export const networkSpecPath = (sweepDir: string, sha256: string) => join(sweepDir, 'network', `${sha256}.json`);

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function readIfPresent(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Writes `spec` into the sweep folder (temp file + rename) and returns its hash. A file already
 * there with the right content is left alone (the same spec submitted again); one with other
 * content (a torn or edited copy) is replaced.
 */
export async function storeNetworkSpec(sweepDir: string, spec: NetworkSpec): Promise<{ sha256: string; path: string }> {
  const bytes = Buffer.from(JSON.stringify(spec));
  const sha256 = sha256Of(bytes);
  const path = networkSpecPath(sweepDir, sha256);
  const present = await readIfPresent(path);
  if (present && sha256Of(present) === sha256) return { sha256, path };
  await mkdir(join(sweepDir, 'network'), { recursive: true });
  await writeFileAtomic(path, bytes);
  return { sha256, path };
}

/** The spec stored under `sha256`, after checking that the file's bytes hash to it. */
export async function readNetworkSpec(sweepDir: string, sha256: string): Promise<NetworkSpec> {
  const path = networkSpecPath(sweepDir, sha256);
  let bytes: Buffer | null;
  try {
    bytes = await readIfPresent(path);
  } catch (e) {
    throw new NetworkSpecFileError(`cannot read the sweep's network spec ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (!bytes) throw new NetworkSpecFileError(`the sweep's network spec ${path} does not exist (expected the spec with SHA-256 ${sha256}; the output folder must be shared by the submitter and every worker)`);
  const actual = sha256Of(bytes);
  if (actual !== sha256) throw new NetworkSpecFileError(`the sweep's network spec ${path} has SHA-256 ${actual}, expected ${sha256}: the file was changed after the sweep was submitted`);
  return JSON.parse(bytes.toString('utf8')) as NetworkSpec;
}
