// Connection settings and the local Temporal dev server: for the sweep API, the CLI, workers and tests.
export { resolveConnection, type ResolvedConnection, type ResolveConnectionOptions } from './connection.js';
export { startLocalServer, waitForTemporal, probeTemporal, isPortOpen, LocalServerError, type LocalServer, type LocalServerOptions } from './local-server.js';
export { temporalBinary, temporalStateDir, defaultDbFile, toolsDir, TemporalCliMissingError } from './paths.js';
export { contractSearchAttributes, searchAttributeFlags, ensureSearchAttributes, type SearchAttributeDef } from './search-attributes.js';
