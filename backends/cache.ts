// The content-addressed store of compiled kernels, whatever the backend: every artifact is built
// once under its key. Several processes building one key at once are safe: one holds a lock file,
// the others wait, and every artifact appears by atomic rename.
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';

// A lock's holder touches it this often; one untouched for LOCK_STALE_MS has lost its holder.
const LOCK_TOUCH_MS = 2_000;
const LOCK_STALE_MS = 20_000;

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

/** Whether the lock at `path` was left by a holder that is gone: a dead process on this host, or a lock nobody touches. */
function abandoned(path: string): boolean {
  const [host, pid] = readFileSync(path, 'utf8').split(' ');
  if (host === hostname() && Number(pid) > 0) {
    try {
      process.kill(Number(pid), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
  }
  return Date.now() - statSync(path).mtimeMs > LOCK_STALE_MS;
}

// A holder killed mid-build (a SIGKILLed runner, a preempted pod sharing the cache volume) leaves
// its lock behind: a waiter takes it over at once on the same host, or once it goes untouched.
// Two waiters taking over together build the artifact twice, harmlessly: each renames its own
// temporary file into place.
async function acquireLock(path: string): Promise<() => void> {
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${hostname()} ${process.pid}`);
      closeSync(fd);
      const touch = setInterval(() => {
        try {
          utimesSync(path, new Date(), new Date());
        } catch { /* taken over after all: the build still lands by rename */ }
      }, LOCK_TOUCH_MS);
      touch.unref();
      return () => {
        clearInterval(touch);
        rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (abandoned(path)) rmSync(path, { force: true });
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
