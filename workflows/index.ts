// The workflows the worker registers (bundled by the SDK; deterministic, no I/O).
export { SweepWorkflow, type SweepCarry, type SweepResult } from './sweep.js';
export { RunBatchWorkflow, type BatchInput, type BatchResult } from './run-batch.js';
