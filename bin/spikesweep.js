#!/usr/bin/env node
// Launches the spikesweep CLI: the compiled dist/cli/index.js when it exists (after `npm install`,
// whose prepare script builds it), else the TypeScript sources through tsx (development; also
// forced by SPIKESWEEP_FROM_SOURCE=1, e.g. when dist/ may be stale).
import { existsSync } from 'node:fs';

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
