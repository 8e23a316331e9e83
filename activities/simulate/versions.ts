// Versions recorded in the manifest: spikesweep, Node, the C++ compiler (its `--version` line).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../network/compiler/paths.js';
import { CODEGEN_VERSION } from '../../network/build/ir.js';

const run = promisify(execFile);

export const spikesweepVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

let compilerLine: Promise<string | null> | undefined;

/** The first line of `$CXX --version` (g++ by default, as the compile cache uses); null if it fails. */
export function compilerVersion(): Promise<string | null> {
  compilerLine ??= run(process.env.CXX ?? 'g++', ['--version'], { timeout: 5000 })
    .then((r) => r.stdout.split('\n')[0].trim())
    .catch(() => null);
  return compilerLine;
}

export async function describeVersions(): Promise<Record<string, string | number | null>> {
  return { spikesweep: spikesweepVersion, codegen: CODEGEN_VERSION, node: process.version, compiler: await compilerVersion() };
}
