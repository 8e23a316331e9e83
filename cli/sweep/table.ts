// Query results as a terminal table.
import Table from 'cli-table3';

export function formatTable(columns: string[], rows: Record<string, unknown>[]): string {
  const table = new Table({ head: columns, style: process.stdout.isTTY ? {} : { head: [], border: [] } });
  for (const row of rows) table.push(columns.map((c) => {
    const v = row[c];
    return typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v === null || v === undefined ? '' : String(v);
  }));
  return `${table.toString()}\n`;
}
