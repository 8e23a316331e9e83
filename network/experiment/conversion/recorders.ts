// Recorders → NetworkSpec monitors: one layer or one projection, the variables, and optionally
// period, start and indices.
import { at, extras, listOf, own, quoted, type Conversion } from './context.js';
import { LEAF_FIELDS } from './sections.js';

export function recordersToMonitors(c: Conversion, projectionNames: Set<string>): Record<string, unknown>[] {
  const { leaves } = c;
  const monitors: Record<string, unknown>[] = [];
  [...leaves.recorders.values()].forEach((leaf, i) => {
    const p = leaf.params;
    const base: (string | number)[] = ['monitors', i];
    const about = `recorder '${leaf.name}'`;
    c.note(base, leaf.path, leaf, about);
    c.note([...base, 'name'], leaf.path, leaf, about);
    for (const key of extras(leaf, LEAF_FIELDS.recorders)) c.bad(at(leaf, key), `unknown recorder field '${key}' (expected ${LEAF_FIELDS.recorders.join(', ')})${own(leaf, key) ? '' : ` (${about})`}`);
    const monitor: Record<string, unknown> = { name: leaf.name };
    if ((p.layer === undefined) === (p.projection === undefined)) {
      c.bad(leaf.path, `recorder '${leaf.name}' records one layer or one projection: give layer or projection`);
      return;
    }
    const key = p.layer !== undefined ? 'layer' : 'projection';
    const target = p[key];
    if (key === 'layer' && (typeof target !== 'string' || !leaves.layers.has(target))) c.bad(at(leaf, key), `unknown layer ${quoted(target)} (layers: ${listOf(leaves.layers)})${own(leaf, key) ? '' : ` (${about})`}`);
    if (key === 'projection' && (typeof target !== 'string' || !projectionNames.has(target))) c.bad(at(leaf, key), `unknown projection ${quoted(target)} (connections: ${[...projectionNames].join(', ') || 'none'})${own(leaf, key) ? '' : ` (${about})`}`);
    monitor.target = target;
    c.note([...base, 'target'], at(leaf, key), leaf, about);
    for (const field of ['variables', 'period', 'start', 'indices']) {
      if (p[field] === undefined) continue;
      monitor[field] = p[field];
      c.note([...base, field], at(leaf, field), leaf, about);
    }
    if (p.variables === undefined) c.bad(leaf.path, `recorder '${leaf.name}' needs variables (e.g. [spike] or [v])`);
    monitors.push(monitor);
  });
  return monitors;
}
