// BoldMonitor: ANNarchy's BOLD monitor as the Network API hands it out (net.boldMonitor()). The
// model runs in the compiled network (network/ir/bold.ts); this object names it and hands out
// its recorded variables through a Monitor on its unit, one value per sample.
import type { BoldMonitorSpec } from '../spec/schema.js';
import type { Monitor, VariableRecord } from './monitor.js';

export class BoldMonitor {
  constructor(
    readonly spec: BoldMonitorSpec,
    /** Records the model's variables (its target is the monitor's unit, named like the monitor). */
    readonly monitor: Monitor,
  ) {}

  get name(): string {
    return this.monitor.name;
  }
  get populations(): string[] {
    return [...this.spec.populations];
  }
  get boldModel(): string {
    return this.spec.model;
  }
  /** The recorded variables: the model's output (BOLD) and those asked for. */
  get recordedVariables(): string[] {
    return this.monitor.variables;
  }

  /**
   * ANNarchy's BOLD monitors record once start()ed; these record from their `start` time (0
   * unless given), so start() is resume(): ANNarchy code calling it runs unchanged.
   */
  start(): void {
    this.monitor.start();
  }
  pause(): void {
    this.monitor.pause();
  }
  resume(): void {
    this.monitor.resume();
  }

  /** The samples of one recorded variable since the last get (or all of them with keep): times in ms, one value each. */
  get(variable: string, opts: { keep?: boolean } = {}): VariableRecord {
    return this.monitor.get(variable, opts);
  }
}
