// Where the package's own files are, from either the TypeScript sources or the compiled dist/.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'spikesweep') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the spikesweep package root');
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
export const runtimeIncludeDirs = [join(packageRoot, 'native', 'runtime'), join(packageRoot, 'native', 'include')];
export const runtimeSourceDir = join(packageRoot, 'native', 'runtime', 'spikesweep');

// Compiled kernels are shared by every run on this machine unless told otherwise.
export function defaultCacheDir(): string {
  return process.env.SPIKESWEEP_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'spikesweep', 'kernels');
}
