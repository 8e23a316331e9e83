// Building a session's sim: create it from the compiled network, check the protocol and the
// monitors against its arrays, attach the monitors, keep the state at build for phases that
// reset, and on a resume put the checkpoint's state (and spike counts) back.
import { createSimulation, type CompiledNetwork } from '../../backends/index.js';
import type { Sim } from '../../native/index.js';
import { applyState, captureState, type SimState } from '../../network/state/index.js';
import { attachMonitors, planMonitors, type MonitorPlan } from '../monitors.js';
import { checkProtocol } from './phases.js';
import type { Resumed, Session } from './records.js';

export interface BuiltSim {
  sim: Sim;
  plan: MonitorPlan;
  initial: SimState | null;
}

export function buildSim(s: Session, compiled: CompiledNetwork, resumed: Resumed | null): BuiltSim {
  const file = s.specFile ?? '<spec>';
  const sim = createSimulation(compiled, s.spec, { seed: s.seed, threads: s.threads, device: s.device });
  try {
    const arrays = new Map(sim.arrays().map((a) => [a.name, a.length]));
    const plan = planMonitors(s.spec, compiled.ir, arrays, file);
    if (s.protocol) checkProtocol(s.protocol, s.spec, arrays, file);
    attachMonitors(sim, plan);
    // A resumed run rebuilds the same state at build from the seed before applying the checkpoint.
    const initial = s.protocol?.some((p) => p.reset !== false) ? captureState(sim) : null;
    if (resumed) {
      applyState(sim, resumed.state);
      for (const p of plan.spikes) p.spikes = resumed.context.spikeCounts[p.population] ?? 0;
    }
    return { sim, plan, initial };
  } catch (error) {
    sim.destroy();
    throw error;
  }
}
