// A plain-text table for the summaries the Network prints (scheduling, profiling): columns two
// spaces apart, each padded to its widest cell, left- or right-aligned; the last column unpadded
// when left-aligned.
export function textTable(rows: string[][], align: ('left' | 'right')[]): string {
  const widths = align.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]) : c < r.length - 1 ? cell.padEnd(widths[c]) : cell)).join('  ')).join('\n');
}
