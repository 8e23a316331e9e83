#!/usr/bin/env node
// Launches the spikesweep CLI: the compiled dist/cli/index.js when it exists (after `npm install`,
// whose prepare script builds it), else the TypeScript sources through tsx (development; also
// forced by SPIKESWEEP_FROM_SOURCE=1, e.g. when dist/ may be stale).
import { existsSync } from 'node:fs';

// A run started by a sweep worker must not outlive it: a worker that was killed leaves its runs to
// other workers, which resume them from their checkpoints in the same folder.
const parent = Number(process.env.SPIKESWEEP_PARENT_PID);
if (parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(137);
    }
  }, 250).unref();
}

const compiled = new URL('../dist/cli/index.js', import.meta.url);
let cli;
if (existsSync(compiled) && process.env.SPIKESWEEP_FROM_SOURCE !== '1') {
  cli = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../cli/index.ts', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv);
