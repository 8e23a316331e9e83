// A reset without moving the clock: the arrays of the state right after build written back, for
// the populations, the projections and/or the BOLD monitors' units (only with the clock: a BOLD
// baseline taken from the monitor's start is not taken again while the clock runs on). Shared by a protocol phase's `reset` and Network.reset
// (which then sets the clock back itself). Spikes in flight on per-synapse delays sit in the
// projections' `<projection>._ring` buffers; they go with the populations' spike history (which
// holds those of uniform delays), or a reset network would still receive spikes emitted before it.
import type { Sim } from '../native/index.js';
import { boldMonitorName } from '../network/ir/bold.js';
import type { NetworkSpec } from '../network/spec/schema.js';
import type { SimState } from '../network/state/index.js';

export function resetArrays(sim: Sim, spec: NetworkSpec, initial: SimState, flags: { populations: boolean; projections: boolean; boldMonitors?: boolean }): void {
  const owners = [
    ...(flags.populations ? spec.populations.map((p) => p.name) : []),
    ...(flags.projections ? spec.projections.map((p) => p.name) : []),
    ...(flags.boldMonitors ? (spec.boldMonitors ?? []).map(boldMonitorName) : []),
  ];
  const inFlight = (name: string) => flags.populations && spec.projections.some((p) => name === `${p.name}._ring`);
  for (const [name, { data }] of initial.arrays)
    if (owners.some((o) => name.startsWith(`${o}.`)) || inFlight(name)) sim.setArray(name, data, { force: true });
}
