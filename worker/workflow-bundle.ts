// The sweep workflows' bundle, built once per content. Bundling with webpack costs seconds at every
// worker start — most of the fixed cost of a short sweep on the embedded default — so the bundle is
// kept in `<cache>/spikesweep/workflow-bundles/<hash>.js`. The hash covers every project module
// the bundle can include (the workflows module's closure of relative imports, type-only imports
// aside), the lockfile that pins the packages it bundles, and the bundler options; a change to
// any of them builds a new bundle.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { bundleWorkflowCode, type Logger, type WorkflowBundleOption } from '@temporalio/worker';
import { packageRoot } from '../backends/paths.js';
import { tempPathFor } from '../engine/temp-path.js';

export function workflowBundleDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'spikesweep', 'workflow-bundles');
}

// `import … from './x.js'`, `export … from './x.js'`, `import './x.js'`; not `import type`.
const RELATIVE_IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'(\.{1,2}\/[^']+)'/gm;

/** The module a relative specifier names: sources import `./x.js` meaning `./x.ts` beside them. */
function resolveModule(from: string, specifier: string): string {
  const path = resolve(dirname(from), specifier);
  const source = path.replace(/\.js$/, '.ts');
  return from.endsWith('.ts') && existsSync(source) ? source : path;
}

/** The workflows module and every project module it imports at run time, sorted. */
export function workflowModules(workflowsPath: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) visit(resolveModule(file, match[1]));
  };
  visit(resolve(workflowsPath));
  return [...seen].sort();
}

function bundleKey(workflowsPath: string, ignoreModules: readonly string[]): string {
  const hash = createHash('sha256');
  const pins = ['package-lock.json', 'package.json'].map((name) => join(packageRoot, name)).find(existsSync);
  for (const file of [...workflowModules(workflowsPath), ...(pins ? [pins] : [])]) {
    hash.update(relative(packageRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(JSON.stringify({ ignoreModules, node: process.versions.modules }));
  return hash.digest('hex').slice(0, 32);
}

/**
 * The bundle of `workflowsPath`: the cached one when its content is unchanged, else a new one,
 * stored for the next worker (kept in memory only where the cache folder cannot be written).
 */
export async function workflowBundle(workflowsPath: string, ignoreModules: readonly string[], logger: Logger, dir = workflowBundleDir()): Promise<WorkflowBundleOption> {
  const codePath = join(dir, `${bundleKey(workflowsPath, ignoreModules)}.js`);
  if (existsSync(codePath)) return { codePath };
  const { code } = await bundleWorkflowCode({ workflowsPath, ignoreModules: [...ignoreModules], logger });
  try {
    mkdirSync(dir, { recursive: true });
    const temp = tempPathFor(codePath);
    writeFileSync(temp, code);
    renameSync(temp, codePath);
    return { codePath };
  } catch {
    return { code };
  }
}
