// The user configuration file applies to the next run after it changes, in a process that keeps
// running (a sweep's runner), though it is parsed only when it changed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadUserConfig } from '../backends/user-config.js';

const home = mkdtempSync(join(tmpdir(), 'spikesweep-user-config-'));
after(() => rmSync(home, { recursive: true, force: true }));
const env = { XDG_CONFIG_HOME: home };
const file = join(home, 'spikesweep', 'config.yaml');

test('a change to config.yaml applies at the next lookup; a removed file sets nothing; a bad one is refused every time', () => {
  assert.deepEqual(loadUserConfig(env), {});
  mkdirSync(join(home, 'spikesweep'));
  writeFileSync(file, 'threads: 4\n');
  assert.deepEqual(loadUserConfig(env), { threads: 4 });
  assert.equal(loadUserConfig(env), loadUserConfig(env), 'an unchanged file is not parsed again');
  writeFileSync(file, 'threads: 2\ncompiler: clang++\n');
  assert.deepEqual(loadUserConfig(env), { threads: 2, compiler: 'clang++' });
  assert.ok(Object.isFrozen(loadUserConfig(env)), 'callers share it: it cannot be changed');
  writeFileSync(file, 'threads: many\n');
  for (let i = 0; i < 2; i++) assert.throws(() => loadUserConfig(env), /config\.yaml.*threads: expected a positive integer/s);
  rmSync(file);
  assert.deepEqual(loadUserConfig(env), {});
});
