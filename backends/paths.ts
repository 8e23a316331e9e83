// Where the package's own files are, from either the TypeScript sources or the compiled dist/.
import { existsSync, readFileSync } from 'node:fs';
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
/** The backend-independent runtime every kernel builds on, and the C interface it exports. */
export const sharedRuntimeIncludeDirs = [join(packageRoot, 'native', 'runtime'), join(packageRoot, 'native', 'include')];
export const sharedRuntimeSourceDir = join(packageRoot, 'native', 'runtime', 'spikesweep');
/** A backend's own runtime headers (C++ sources are not compiled to dist/, so they are read from the package). */
export const backendRuntimeDir = (name: string) => join(packageRoot, 'backends', name, 'runtime');
