// Connection settings from Temporal's standard environment configuration (@temporalio/envconfig):
// TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*,
// TEMPORAL_PROFILE and the profiles of temporal.toml (TEMPORAL_CONFIG_FILE or the default path),
// plus one key of spikesweep's own in a profile: `ui_url`, the server's Web UI root.
import { fromTomlProfile, toClientOptions } from '@temporalio/envconfig';
// envconfig's public loaders drop the keys they do not know; this one returns the profile's table
// as written (environment applied), so `ui_url` comes from the very file and profile the
// connection does.
import { tomlLoadClientConfigProfile } from '@temporalio/envconfig/lib/envconfig-toml.js';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { uiRootOf } from './web-ui.js';

export interface ResolvedConnection {
  /** For `NativeConnection.connect` (workers) and `Connection.connect` (clients). */
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  /** True when an address came from the environment or a profile; false means "use the local dev server". */
  configured: boolean;
  /** The profile's `ui_url` (the Web UI root, trailing slashes dropped), or null. */
  profileUiUrl: string | null;
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
  const profile = tomlLoadClientConfigProfile({ profile: options.profile, overrideEnvVars }) as ReturnType<typeof tomlLoadClientConfigProfile> & { ui_url?: unknown };
  const { connectionOptions, namespace } = toClientOptions(fromTomlProfile(profile));
  // Drop the keys envconfig left undefined so spreading these options never overrides a default.
  const cleaned = Object.fromEntries(Object.entries(connectionOptions).filter(([, v]) => v !== undefined)) as NativeConnectionOptions;
  const configured = typeof cleaned.address === 'string' && cleaned.address.trim() !== '';
  const profileName = options.profile ?? env.TEMPORAL_PROFILE ?? 'default';
  const profileUiUrl = profile.ui_url === undefined ? null
    : uiRootOf(profile.ui_url, `ui_url of profile '${profileName}' in ${env.TEMPORAL_CONFIG_FILE ?? 'temporal.toml'}`);
  return { connectionOptions: cleaned, namespace: namespace ?? 'default', configured, profileUiUrl };
}
