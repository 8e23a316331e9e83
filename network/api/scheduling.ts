// Brian2's scheduling_summary: the phases of one step in the order every backend runs them (the
// step of docs/architecture.md; each population's spikes and reset follow its own update), one
// row per population, projection or monitor that takes part,
// each with the values it reads and writes, named as getStates names them (`exc.v`,
// `exc_exc.w`), plus `exc.spikes` for a step's spikes and `exc.sum(gap)` for continuous input.
import type { Expr, Statement } from '../equations/index.js';
import { children } from '../equations/ast.js';
import type { NetworkIR, PopulationIR, ProjectionIR } from '../ir/ir.js';
import type { MonitorSpec } from '../spec/schema.js';
import { textTable } from './text-table.js';

export interface ScheduledPhase {
  /** The phase's number in the step (docs/architecture.md, "The step"). */
  phase: string;
  /** What runs: a population, a projection, a monitor. */
  object: string;
  reads: string[];
  writes: string[];
}

// Every value an expression reads, named from the point of view of the object it belongs to.
function reads(ir: NetworkIR, exprs: Expr[], own: string, pre?: string, post?: string): string[] {
  const out = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'ident' && e.name !== 't' && e.name !== 'dt')
      out.add(e.name === 'g_target' ? `${post}.g_target` : ir.constants.includes(e.name) ? `constant ${e.name}` : `${own}.${e.name}`);
    else if (e.kind === 'scoped') out.add(`${e.scope === 'pre' ? pre : post}.${e.name}`);
    else if (e.kind === 'sum') out.add(`${own}.sum(${e.target})`);
    children(e).forEach(walk);
  };
  exprs.forEach(walk);
  return [...out];
}

function written(st: Statement, proj: ProjectionIR, ir: NetworkIR): string {
  const pre = ir.populations[proj.pre].name;
  const post = ir.populations[proj.post].name;
  if (st.target.name === 'g_target') return `${post}.g_${proj.target}`;
  return `${st.target.scope === 'pre' ? pre : st.target.scope === 'post' ? post : proj.name}.${st.target.name}`;
}

const unique = (xs: string[]) => [...new Set(xs)];

function projectionEvents(proj: ProjectionIR, ir: NetworkIR, which: 'preSpike' | 'postSpike', phase: string): ScheduledPhase[] {
  const statements = proj.model[which];
  if (!statements.length) return [];
  const pre = ir.populations[proj.pre].name;
  const post = ir.populations[proj.post].name;
  const fired = which === 'preSpike' ? `${pre}.spikes${proj.delays === 'synapse' ? ' (per-synapse delays)' : ''}` : `${post}.spikes`;
  const values = reads(ir, statements.map((s) => s.value), proj.name, pre, post).map((r) => r.replace(`${post}.g_target`, `${post}.g_${proj.target}`));
  return [{ phase, object: proj.name, reads: unique([fired, ...values]), writes: unique(statements.map((s) => written(s, proj, ir))) }];
}

function populationUpdate(pop: PopulationIR, ir: NetworkIR): ScheduledPhase[] {
  if (!pop.model) return [{ phase: '3. neuron update', object: pop.name, reads: [`${pop.name}.spikeTimes`], writes: [`${pop.name}.spikes`] }];
  const m = pop.model;
  const exprs = [...m.variables.flatMap((v) => [v.rhs, ...(v.min ? [v.min] : []), ...(v.max ? [v.max] : [])]), ...(m.spike ? [m.spike] : [])];
  const update: ScheduledPhase = {
    phase: '3. neuron update', object: pop.name,
    reads: reads(ir, exprs, pop.name),
    writes: [...m.variables.map((v) => `${pop.name}.${v.name}`), ...(m.refractory || pop.refractory ? [`${pop.name}._refractory_left`] : [])],
  };
  if (!m.spike) return [update];
  const reset: ScheduledPhase = {
    phase: '4. spikes and reset', object: pop.name,
    reads: unique([`${pop.name}.spike condition`, ...reads(ir, m.reset.map((r) => r.value), pop.name)]),
    writes: unique([`${pop.name}.spikes`, ...m.reset.map((r) => `${pop.name}.${r.target.name}`), ...pop.conductances.filter((g) => !m.variables.some((v) => v.name === g)).map((g) => `${pop.name}.${g} (cleared)`)]),
  };
  return [update, reset];
}

/** The step's phases for a compiled network and its monitors. */
export function schedulingSummary(ir: NetworkIR, monitors: (MonitorSpec & { name: string })[]): ScheduledPhase[] {
  const pops = ir.populations;
  const sums = pops.flatMap((p) => p.sums.map((t) => `${p.name}.sum(${t})`));
  return [
    ...(sums.length ? [{ phase: '1. clear continuous inputs', object: '(network)', reads: [], writes: sums }] : []),
    ...ir.projections.flatMap((j) => [
      ...projectionEvents(j, ir, 'preSpike', '2. deliver'),
      ...(j.model.psp ? [{
        phase: "2'. psp", object: j.name,
        reads: reads(ir, [j.model.psp], j.name, pops[j.pre].name, pops[j.post].name),
        writes: [`${pops[j.post].name}.sum(${j.target})`],
      }] : []),
    ]),
    ...pops.flatMap((p) => (p.bold ? p.bold.inputs.map((input) => ({
      phase: '2″. BOLD input', object: p.name,
      reads: input.sources.map((s) => `${pops[s.population].name}.${s.variable}`), writes: [`${p.name}.sum(${input.target})`],
    })) : [])),
    ...pops.flatMap((p) => populationUpdate(p, ir)),
    ...ir.projections.flatMap((j) => {
      const continuous = j.model.variables.filter((v) => !v.eventDriven);
      return continuous.length ? [{
        phase: '5. synaptic equations', object: j.name,
        reads: reads(ir, continuous.map((v) => v.rhs), j.name, pops[j.pre].name, pops[j.post].name),
        writes: continuous.map((v) => `${j.name}.${v.name}`),
      }] : [];
    }),
    ...ir.projections.flatMap((j) => projectionEvents(j, ir, 'postSpike', '6. end of step: postsynaptic events')),
    ...monitors.map((m) => ({
      phase: '7. record', object: m.name,
      reads: m.variables.map((v) => `${m.target}.${v === 'spike' ? 'spikes' : v}`), writes: [`monitor ${m.name}`],
    })),
    ...pops.filter((p) => p.stop).map((p) => ({ phase: '7. stop condition', object: p.name, reads: [`${p.name}.stop condition`], writes: [] })),
  ];
}

/** The summary as a table for people (Brian2 prints its SchedulingSummary the same way). */
export function formatSchedulingSummary(phases: ScheduledPhase[]): string {
  const rows = [['phase', 'object', 'reads', 'writes'], ...phases.map((p) => [p.phase, p.object, p.reads.join(', ') || '—', p.writes.join(', ') || '—'])];
  return textTable(rows, ['left', 'left', 'left', 'left']);
}
