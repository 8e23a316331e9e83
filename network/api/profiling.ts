// Brian2's profiling_summary: the blocks profiling timed as a table, slowest first, with each
// block's share of the profiled time.
import type { ProfiledBlock } from '../../native/index.js';
import { textTable } from './text-table.js';

export function formatProfile(info: ProfiledBlock[], show?: number): string {
  if (!info.length) return 'no profiling information: simulate with { profile: true } first';
  const total = info.reduce((sum, b) => sum + b.seconds, 0);
  const rows = info.slice(0, show).map((b) => [b.name, `${(b.seconds * 1000).toFixed(2)} ms`, `${((100 * b.seconds) / total).toFixed(2)} %`]);
  return textTable([['block', 'time', 'share'], ...rows], ['left', 'right', 'right']);
}
