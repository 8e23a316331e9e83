// Which Web UI a sweep's link points at, from real temporal.toml files: $SPIKESWEEP_UI_URL, then
// the connection profile's `ui_url`, then Temporal Cloud's UI for a Cloud address, then the local
// dev server's when no server is configured; a self-hosted server named by address alone gets no
// link. A `ui_url` that is not an http(s) URL is refused with a sentence naming the key and profile.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveConnection } from '../sweeps/temporal/connection.js';
import { CLOUD_UI_URL, webUiRoot } from '../sweeps/temporal/web-ui.js';

const LOCAL_UI = 'http://127.0.0.1:8233';
let dir: string;
let config: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spikesweep-web-ui-'));
  config = join(dir, 'temporal.toml');
  await writeFile(config, [
    '[profile.lab]', 'address = "temporal.lab.example:7233"', 'namespace = "lab"', 'ui_url = "https://ui.lab.example/temporal/"', '',
    '[profile.selfhosted]', 'address = "temporal.lab.example:7233"', '',
    '[profile.cloud]', 'address = "sweeps.a1b2c.tmprl.cloud:7233"', 'namespace = "sweeps.a1b2c"', '',
    '[profile.cloudkey]', 'address = "us-east-1.aws.api.temporal.io:7233"', 'namespace = "sweeps.a1b2c"', 'api_key = "k"', '',
    '[profile.cloudown]', 'address = "sweeps.a1b2c.tmprl.cloud:7233"', 'ui_url = "https://proxy.example/temporal"', '',
    '[profile.uionly]', 'ui_url = "http://127.0.0.1:9999"', '',
    '[profile.bad]', 'address = "temporal.lab.example:7233"', 'ui_url = "temporal.lab.example:8080"', '',
  ].join('\n'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The UI root a session on this profile would link to (sweeps/session.ts), with the local dev server's UI when it is used. */
function uiRoot(profile: string | null, extra: Record<string, string> = {}): string | null {
  const env = { HOME: dir, TEMPORAL_CONFIG_FILE: config, ...(profile ? { TEMPORAL_PROFILE: profile } : {}), ...extra };
  const resolved = resolveConnection({ env });
  return webUiRoot({
    env, profileUiUrl: resolved.profileUiUrl, configuredAddress: resolved.configured ? resolved.connectionOptions.address! : null,
    localUiUrl: resolved.configured ? null : LOCAL_UI,
  });
}

describe('the Web UI root', () => {
  test('a profile names its UI with ui_url (trailing slashes dropped)', () => {
    assert.equal(resolveConnection({ env: { HOME: dir, TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'lab' } }).profileUiUrl, 'https://ui.lab.example/temporal');
    assert.equal(uiRoot('lab'), 'https://ui.lab.example/temporal');
  });

  test('SPIKESWEEP_UI_URL wins over the profile', () => {
    assert.equal(uiRoot('lab', { SPIKESWEEP_UI_URL: 'https://env.example/ui/' }), 'https://env.example/ui');
    assert.equal(uiRoot('cloud', { SPIKESWEEP_UI_URL: 'https://env.example' }), 'https://env.example');
  });

  test('a Temporal Cloud address, mTLS or API key endpoint, links to cloud.temporal.io unless the profile names another UI', () => {
    assert.equal(CLOUD_UI_URL, 'https://cloud.temporal.io');
    assert.equal(uiRoot('cloud'), CLOUD_UI_URL);
    assert.equal(uiRoot('cloudkey'), CLOUD_UI_URL);
    assert.equal(uiRoot('cloudown'), 'https://proxy.example/temporal');
    assert.equal(uiRoot('selfhosted', { TEMPORAL_ADDRESS: 'sweeps.a1b2c.tmprl.cloud:7233' }), CLOUD_UI_URL, 'TEMPORAL_ADDRESS overrides the profile address');
  });

  test('a self-hosted server named by its address alone has no link to guess', () => {
    assert.equal(uiRoot('selfhosted'), null);
  });

  test('with no server configured, the local dev server\'s UI, unless the profile or the environment names one', () => {
    assert.equal(uiRoot(null), LOCAL_UI, 'the file has no default profile');
    assert.equal(uiRoot('uionly'), 'http://127.0.0.1:9999');
    assert.equal(uiRoot(null, { SPIKESWEEP_UI_URL: 'https://env.example' }), 'https://env.example');
  });

  test('a ui_url that is not an http(s) URL is refused, naming the key, the profile and the file', () => {
    assert.throws(() => uiRoot('bad'), (error: Error) => {
      assert.equal(error.message, `ui_url of profile 'bad' in ${config} must be the http(s) URL of the Temporal Web UI's root (e.g. https://temporal.example.org), got "temporal.lab.example:8080"`);
      return true;
    });
    assert.throws(() => uiRoot('selfhosted', { SPIKESWEEP_UI_URL: 'ftp://x.example' }), /^Error: SPIKESWEEP_UI_URL must be the http\(s\) URL/);
  });
});
