// The workflow bundle cache: a worker start after the first reuses the bundle webpack built, and
// any change to a module the workflows import at run time builds a new one.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultLogger } from '@temporalio/worker';
import { defaultWorkflowsPath } from '../worker/create-worker.js';
import { workflowBundle, workflowModules } from '../worker/workflow-bundle.js';
import { WORKFLOW_BUNDLE_IGNORE_MODULES } from '../workflows/plan/expand.js';

const quiet = new DefaultLogger('WARN');
const cache = mkdtempSync(join(tmpdir(), 'spikesweep-bundles-'));
// Inside the package, so that the workflows' bare imports resolve from its node_modules.
const sources = mkdtempSync(join(import.meta.dirname, '.workflow-bundle-'));
after(() => {
  rmSync(cache, { recursive: true, force: true });
  rmSync(sources, { recursive: true, force: true });
});

describe('workflow bundle cache', () => {
  test('the sweep workflows are bundled once; the next worker start reads the stored bundle', async () => {
    const first = await workflowBundle(defaultWorkflowsPath(), WORKFLOW_BUNDLE_IGNORE_MODULES, quiet, cache);
    assert.ok('codePath' in first, 'the bundle is stored in the cache folder');
    const built = statSync(first.codePath).mtimeMs;
    const second = await workflowBundle(defaultWorkflowsPath(), WORKFLOW_BUNDLE_IGNORE_MODULES, quiet, cache);
    assert.deepEqual(second, first);
    assert.equal(statSync(first.codePath).mtimeMs, built, 'not rebuilt');
    assert.equal(readdirSync(cache).length, 1);
  });

  test('the cache key follows the run-time imports: a changed imported module builds a new bundle; a type-only import does not count', async () => {
    writeFileSync(join(sources, 'delay.ts'), 'export const DELAY_MS = 10;\n');
    writeFileSync(join(sources, 'types.ts'), 'export interface Unused { x: number }\n');
    writeFileSync(join(sources, 'index.ts'), [
      "import { sleep } from '@temporalio/workflow';",
      "import type { Unused } from './types.js';",
      "import { DELAY_MS } from './delay.js';",
      'export async function pause(u?: Unused): Promise<number> { await sleep(DELAY_MS); return u?.x ?? 0; }',
      '',
    ].join('\n'));
    const index = join(sources, 'index.ts');
    assert.deepEqual(workflowModules(index), [join(sources, 'delay.ts'), index]);
    const before = await workflowBundle(index, [], quiet, cache);
    writeFileSync(join(sources, 'types.ts'), 'export interface Unused { y: number }\n');
    assert.deepEqual(await workflowBundle(index, [], quiet, cache), before, 'a type-only module does not reach the bundle');
    writeFileSync(join(sources, 'delay.ts'), 'export const DELAY_MS = 20;\n');
    const after = await workflowBundle(index, [], quiet, cache);
    assert.ok('codePath' in after && 'codePath' in before && after.codePath !== before.codePath);
  });
});
