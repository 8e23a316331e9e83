// Options shared by the spike and state writers, checked once at open so bad values fail early.
export interface WriterOptions {
  runId: string;
  /** Simulation time step in ms: t_ms = step × dt. */
  dt: number;
}

export function checkWriterOptions(opts: WriterOptions): WriterOptions {
  if (typeof opts.runId !== 'string' || opts.runId.length === 0) throw new Error('runId must be a non-empty string');
  if (!Number.isFinite(opts.dt) || opts.dt <= 0) throw new Error(`dt must be a positive number, got ${opts.dt}`);
  return opts;
}
