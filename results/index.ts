// Entry of results/: a sweep's dataset — its layout, the runs.parquet schema and the DuckDB views
// over it. See README.md.
export { DATASET_FILES, PARTITIONED_DATASETS, partsGlob, runPaths, runsParquetPath, sweepDir, sweepManifestPath, workRoot, type RunPaths } from './layout.js';
export { NetworkSpecFileError, networkSpecPath, readNetworkSpec, storeNetworkSpec } from './network-spec.js';
export type { RunRecord } from './run-record.js';
export { RUN_COLUMNS, parameterColumns, rateColumns, runRow, writeRunsParquet } from './runs-table.js';
export { ALL_RUNS_SQL, openResults, pointSummarySql, type QueryResult, type ResultsDb } from './views.js';
