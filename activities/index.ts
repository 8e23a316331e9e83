// The activities a spikesweep worker registers, created from its settings.
import { createSweepActivities } from './sweep/index.js';

export { closeRunners } from './sweep/index.js';

export function createActivities(settings: { threads: number }) {
  return createSweepActivities({ threads: settings.threads, cacheDir: process.env.SPIKESWEEP_CACHE_DIR ?? null });
}
