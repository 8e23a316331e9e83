// Runs one batch (runBatch) in a child process and prints the copies' reports as JSON: the
// emulated cuda kernels read their thread order (SPIKESWEEP_CUDA_ORDER) once per process.
// Usage: node --import tsx tests/helpers/batch-child.ts <options.json>
import { readFileSync } from 'node:fs';
import { runBatch, type RunBatchOptions } from '../../engine/index.js';

const options = JSON.parse(readFileSync(process.argv[2], 'utf8')) as RunBatchOptions;
process.stdout.write(`${JSON.stringify(await runBatch(options))}\n`);
