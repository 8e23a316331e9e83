// The root of the Web UI that shows a sweep's workflows, from the first source that names one:
// $SPIKESWEEP_UI_URL, the connection profile's `ui_url`, Temporal Cloud (its UI is one site for
// every namespace), else the local dev server's UI when that server is in use. A gRPC address of
// a self-hosted server does not say where its UI is (often another host or path): no guess then.

/**
 * Temporal Cloud's Web UI. Namespaces are reached at `<ns>.<account>.tmprl.cloud:7233` (mTLS) or a
 * regional `<region>.<provider>.api.temporal.io:7233` (API keys), and their workflows are shown at
 * https://cloud.temporal.io/namespaces/<ns>.<account>/workflows/<workflow id>
 * (https://docs.temporal.io/cloud/namespaces#access-namespaces).
 */
export const CLOUD_UI_URL = 'https://cloud.temporal.io';

const CLOUD_HOST = /(\.tmprl\.cloud|\.api\.temporal\.io)$/i;

export function isCloudAddress(address: string): boolean {
  return CLOUD_HOST.test(address.trim().replace(/:\d+$/, ''));
}

/** A Web UI root as given (trailing slashes dropped); `source` names where it came from in the error. */
export function uiRootOf(value: unknown, source: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`${source} must be the http(s) URL of the Temporal Web UI's root (e.g. https://temporal.example.org), got ${JSON.stringify(value)}`);
  }
  return text.replace(/\/+$/, '');
}

export interface UiSources {
  env: Record<string, string | undefined>;
  /** The connection profile's `ui_url`, validated (resolveConnection). */
  profileUiUrl: string | null;
  /** The configured server's address; null when the local dev server is used. */
  configuredAddress: string | null;
  /** The local dev server's UI, when it is the server in use. */
  localUiUrl: string | null;
}

export function webUiRoot({ env, profileUiUrl, configuredAddress, localUiUrl }: UiSources): string | null {
  const fromEnv = env.SPIKESWEEP_UI_URL?.trim();
  if (fromEnv) return uiRootOf(fromEnv, 'SPIKESWEEP_UI_URL');
  if (profileUiUrl) return profileUiUrl;
  if (configuredAddress !== null) return isCloudAddress(configuredAddress) ? CLOUD_UI_URL : null;
  return localUiUrl;
}
