// Query results as a terminal table.
import Table from 'cli-table3';

/** Rows a table shows at most: a person reads no more, and the table library overflows its stack near 200,000. */
export const TABLE_ROWS = 10_000;

export function formatTable(columns: string[], rows: Record<string, unknown>[]): string {
  const table = new Table({ head: columns, style: process.stdout.isTTY ? {} : { head: [], border: [] } });
  for (const row of rows.slice(0, TABLE_ROWS)) table.push(columns.map((c) => {
    const v = row[c];
    // At most 3 decimals, no trailing zeros: 1.2, 1.62, 2.
    if (typeof v === 'number') return String(Number(v.toFixed(3)));
    return v === null || v === undefined ? '' : String(v);
  }));
  const more = rows.length > TABLE_ROWS ? `… ${(rows.length - TABLE_ROWS).toLocaleString('en-US')} more rows (--json prints them all, or narrow the query with LIMIT or WHERE)\n` : '';
  return `${table.toString()}\n${more}`;
}
