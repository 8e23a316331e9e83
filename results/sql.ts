// SQL literals for the paths and column names spliced into DuckDB statements.
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
export const sqlColumn = (s: string) => `"${s.replaceAll('"', '""')}"`;
