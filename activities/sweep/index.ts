// The activities of a sweep, created with the worker's settings (the SDK's factory pattern).
import { createFinalizeActivity } from './finalize.js';
import { createGroupActivity, createRunActivity } from './group.js';
import { createRecordOutcomeActivity } from './run.js';
import type { RunSettings } from './runner-protocol.js';

export type { RunSettings } from './runner-protocol.js';
export { closeRunners, warmRunners } from './runner-pool.js';

export function createSweepActivities(settings: RunSettings) {
  return {
    runGroup: createGroupActivity(settings),
    runSimulation: createRunActivity(settings),
    recordRunOutcome: createRecordOutcomeActivity(),
    finalizeSweep: createFinalizeActivity(),
  };
}

export type SweepActivities = ReturnType<typeof createSweepActivities>;
