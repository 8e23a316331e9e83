// Connection settings, the Web UI root and the local Temporal dev server: for the sweep API, the CLI, workers and tests.
export { resolveConnection, type ResolvedConnection, type ResolveConnectionOptions } from './connection.js';
export { startLocalServer, waitForTemporal, probeTemporal, isPortOpen, LocalServerError, type LocalServer, type LocalServerOptions } from './local-server.js';
export { temporalBinary, temporalStateDir, defaultDbFile, toolsDir, TemporalCliMissingError } from './paths.js';
export { CLOUD_UI_URL, isCloudAddress, uiRootOf, webUiRoot, type UiSources } from './web-ui.js';
export { contractSearchAttributes, searchAttributeFlags, ensureSearchAttributes, type SearchAttributeDef } from './search-attributes.js';
