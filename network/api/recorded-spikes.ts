// The canonical spike hash (engine/spike-hash.ts) of the spikes a Network's monitors hold, so a
// script can compare its run with the spikesSha256 of `spikesweep run` or of a sweep's run.
import { SpikeHasher } from '../../engine/spike-hash.js';
import type { Monitor } from './monitor.js';

/**
 * SHA-256 of every spike the monitors recording 'spike' hold (kept for get(); two monitors of one
 * population count each spike once), in the run's canonical order.
 */
export function recordedSpikesSha256(monitors: Monitor[], dt: number): string {
  const byPopulation = new Map<string, Map<string, [number, number]>>();
  for (const m of monitors.filter((x) => x.variables.includes('spike'))) {
    const { neurons, times } = m.get('spike', { keep: true });
    const rows = byPopulation.get(m.spec.target) ?? new Map<string, [number, number]>();
    byPopulation.set(m.spec.target, rows);
    // Monitors hand out t = step × dt; rounding gives the step back exactly.
    neurons.forEach((n, k) => {
      const step = Math.round(times[k] / dt);
      rows.set(`${step}:${n}`, [step, n]);
    });
  }
  const window = [...byPopulation].map(([population, rows]) => {
    const sorted = [...rows.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return { population, steps: Float64Array.from(sorted, (r) => r[0]), neurons: Int32Array.from(sorted, (r) => r[1]) };
  });
  const hasher = new SpikeHasher({ dt });
  hasher.update(window);
  return hasher.digest();
}
