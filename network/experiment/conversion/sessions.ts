// Sessions → the protocol: the `sessions:` list names session_models leaves in order (without
// it, every leaf runs once, in tree order); a session run more than once gets `-1`, `-2`, …
// A network without a duration gets the protocol's total.
import type { NetworkSpec } from '../../spec/schema.js';
import { buildProtocol, type Phase, type PhaseSource } from '../protocol.js';
import { describe, type TreePath } from '../tree.js';
import { at, listOf, type Conversion } from './context.js';

export function sessionsToProtocol(raw: Record<string, unknown>, c: Conversion, network: NetworkSpec): { network: NetworkSpec; protocol: Phase[] | null } {
  const order = sessionOrder(raw, c);
  if (!order) return { network, protocol: null };
  const sessionModels = c.leaves.session_models;
  const count = new Map<string, number>();
  for (const o of order) if (typeof o.name === 'string') count.set(o.name, (count.get(o.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  const sources: PhaseSource[] = [];
  for (const o of order) {
    const leaf = typeof o.name === 'string' ? sessionModels.get(o.name) : undefined;
    if (!leaf) {
      c.bad(o.path, `unknown session ${typeof o.name === 'string' ? `'${o.name}'` : describe(o.name)} (session_models leaves: ${listOf(sessionModels)})`);
      continue;
    }
    const k = (seen.get(leaf.name) ?? 0) + 1;
    seen.set(leaf.name, k);
    sources.push({
      name: count.get(leaf.name)! > 1 ? `${leaf.name}-${k}` : leaf.name,
      fields: leaf.params,
      path: leaf.path,
      at: (field) => at(leaf, field),
      about: `(session '${leaf.name}')`,
    });
  }
  const protocol = buildProtocol(sources, network, c.issues);
  if (c.issues.length === 0 && network.duration === undefined && protocol.length > 0) network = { ...network, duration: protocol.reduce((t, p) => t + p.durationMs, 0) };
  return { network, protocol };
}

/** The sessions to run, in order; null when the file has none. */
function sessionOrder(raw: Record<string, unknown>, c: Conversion): { name: unknown; path: TreePath }[] | null {
  const sessionModels = c.leaves.session_models;
  if (raw.sessions !== undefined && raw.sessions !== null) {
    if (Array.isArray(raw.sessions) && raw.sessions.length === 0) {
      c.bad(['sessions'], 'sessions lists no session: name at least one session model, or leave sessions out (then the network runs for its duration)');
      return null;
    }
    if (Array.isArray(raw.sessions)) return raw.sessions.map((name, k) => ({ name, path: ['sessions', k] }));
    c.bad(['sessions'], `sessions must be a list of session model names, got ${describe(raw.sessions)}`);
    return null;
  }
  if (sessionModels.size > 0) return [...sessionModels.keys()].map((name) => ({ name, path: sessionModels.get(name)!.path }));
  return null;
}
