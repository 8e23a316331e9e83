// Versions recorded in the manifest: spikesweep, its git commit (when run from a checkout), Node,
// the compiler that built the kernel (its `--version` line, from the backend's toolchain).
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../backends/paths.js';
import { CODEGEN_VERSION } from '../../network/ir/ir.js';

const run = promisify(execFile);

export const spikesweepVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

let commit: Promise<string | null> | undefined;

/**
 * `git rev-parse HEAD` of the spikesweep checkout this code runs from; null outside a checkout
 * (also when spikesweep is installed inside another project's repository).
 */
export function gitCommit(): Promise<string | null> {
  commit ??= run('git', ['rev-parse', '--show-toplevel', 'HEAD'], { cwd: packageRoot, timeout: 5000 })
    .then((r) => {
      const [top, head] = r.stdout.trim().split('\n');
      return realpathSync(top) === realpathSync(packageRoot) && /^[0-9a-f]{40}$/.test(head) ? head : null;
    })
    .catch(() => null);
  return commit;
}

export async function describeVersions(compiler: string): Promise<Record<string, string | number | null>> {
  return { spikesweep: spikesweepVersion, gitCommit: await gitCommit(), codegen: CODEGEN_VERSION, node: process.version, compiler };
}
