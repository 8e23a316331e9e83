// The content-addressed store of compiled kernels, whatever the backend: every artifact is built
// once under its key. Several processes building one key at once are safe: one holds a lock file,
// the others wait, and every artifact appears by atomic rename.
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const LOCK_STALE_MS = 5 * 60_000;

export class CompileError extends Error {
  constructor(message: string, readonly log: string) {
    super(message);
    this.name = 'CompileError';
  }
}

// Compiled kernels are shared by every run on this machine unless told otherwise.
export function defaultCacheDir(): string {
  return process.env.SPIKESWEEP_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'spikesweep', 'kernels');
}

async function acquireLock(path: string): Promise<() => void> {
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(path).mtimeMs > LOCK_STALE_MS) rmSync(path, { force: true });
      } catch { /* the holder just released it */ }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Builds `target` once: under a lock, into a temporary name, then renamed into place. Returns whether it was already there. */
export async function buildOnce(target: string, rebuild: boolean, build: (tmp: string) => Promise<void>): Promise<boolean> {
  if (rebuild) rmSync(target, { force: true });
  else if (existsSync(target)) return true;
  const release = await acquireLock(`${target}.lock`);
  try {
    if (existsSync(target) && !rebuild) return true;
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    try {
      await build(tmp);
      renameSync(tmp, target);
    } finally {
      rmSync(tmp, { force: true });
    }
    return false;
  } finally {
    release();
  }
}
