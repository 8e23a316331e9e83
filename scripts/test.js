#!/usr/bin/env node
// Runs every tests/**/*.test.ts with Node's test runner (TypeScript through tsx).
// Pass file paths or name filters to run a subset: `npm test -- equations`. tests/images/ is
// `npm run test:images` (it builds and runs the container images: root, podman, minutes).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' || path === join('tests', 'images') ? [] : collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = collect('tests').filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
// Two files at a time: most of a file's time is waiting (on a dev server, a compile, a runner), so
// on the 2-core VM the suite takes 13.5 min instead of 21; a test that needs the machine to itself
// is a bug (its timing assumptions break under the load a cluster node has too).
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
