// SQL literals for the paths and column names spliced into DuckDB statements.
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
export const sqlColumn = (s: string) => `"${s.replaceAll('"', '""')}"`;
/** A number as a DOUBLE literal: DuckDB reads 0.423… as a DECIMAL, whose products overflow. */
export const sqlDouble = (x: number) => `CAST(${x} AS DOUBLE)`;
