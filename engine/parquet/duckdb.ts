// DuckDB's Node API, loaded when first used: loading it takes ~230 ms (its native library), which
// every command importing the engine or the results layout would otherwise pay at start —
// `spikesweep sweep` before it submits, a worker before it polls.
export const loadDuckDB = () => import('@duckdb/node-api');
