// Query results as a terminal table.
import Table from 'cli-table3';

export function formatTable(columns: string[], rows: Record<string, unknown>[]): string {
  const table = new Table({ head: columns, style: process.stdout.isTTY ? {} : { head: [], border: [] } });
  for (const row of rows) table.push(columns.map((c) => {
    const v = row[c];
    // At most 3 decimals, no trailing zeros: 1.2, 1.62, 2.
    if (typeof v === 'number') return String(Number(v.toFixed(3)));
    return v === null || v === undefined ? '' : String(v);
  }));
  return `${table.toString()}\n`;
}
