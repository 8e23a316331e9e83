// Connection settings from Temporal's standard environment configuration (@temporalio/envconfig):
// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*,
// TEMPORAL_PROFILE and the profiles of temporal.toml (TEMPORAL_CONFIG_FILE or the default path).
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export interface ResolvedConnection {
  /** For `NativeConnection.connect` (workers) and `Connection.connect` (clients). */
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  /** True when an address came from the environment or a profile; false means "use the local dev server". */
  configured: boolean;
}

export interface ResolveConnectionOptions {
  /** Profile name (default: $TEMPORAL_PROFILE, else "default"). */
  profile?: string;
  /** Environment to read instead of process.env (tests). */
  env?: Record<string, string | undefined>;
}

export function resolveConnection(options: ResolveConnectionOptions = {}): ResolvedConnection {
  const env = options.env ?? process.env;
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const { connectionOptions, namespace } = loadClientConnectConfig({ profile: options.profile, overrideEnvVars });
  // Drop the keys envconfig left undefined so spreading these options never overrides a default.
  const cleaned = Object.fromEntries(Object.entries(connectionOptions).filter(([, v]) => v !== undefined)) as NativeConnectionOptions;
  const configured = typeof cleaned.address === 'string' && cleaned.address.trim() !== '';
  return { connectionOptions: cleaned, namespace: namespace ?? 'default', configured };
}
