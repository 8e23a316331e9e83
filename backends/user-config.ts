// The user's configuration file, $XDG_CONFIG_HOME/spikesweep/config.yaml (default
// ~/.config/spikesweep/config.yaml): this machine's defaults for the host compiler, its flags,
// the openmp backend's threads and the cuda backend's GPU. A spec and the CLI override each field
// (backends/README.md, "Configuration"). Looked up at every use, so a change applies to the next
// run; parsed again only when the file changed (a runner looks it up twice per run of a sweep).
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SpecError } from '../network/spec/errors.js';
import { parseYamlText } from '../network/spec/yaml.js';
import { HOST_COMPILERS } from './types.js';

const WHAT = 'user configuration';

const UserConfigSchema = z.object({
  compiler: z.enum(HOST_COMPILERS, { message: `expected one of ${HOST_COMPILERS.join(', ')}` }).optional(),
  compilerFlags: z.array(z.string(), { message: 'expected a list of flags such as [-O3, -march=native]' }).optional(),
  threads: z.number({ message: 'expected a positive integer' }).int('expected a positive integer').positive('expected a positive integer').optional(),
  cudaDevice: z.number({ message: 'expected a GPU index, an integer ≥ 0' }).int('expected a GPU index, an integer ≥ 0').nonnegative('expected a GPU index, an integer ≥ 0').optional(),
}).strict();

export type UserConfig = z.infer<typeof UserConfigSchema>;

/** Where the file is looked for. */
export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'spikesweep', 'config.yaml');
}

/** The last file parsed (frozen), by its path and what stat says of it. */
let lastParsed: { key: string; config: Readonly<UserConfig> } | null = null;

/** The file's settings; none when there is no file. A bad file is a SpecError naming it, the field and the line. */
export function loadUserConfig(env: NodeJS.ProcessEnv = process.env): Readonly<UserConfig> {
  const file = userConfigPath(env);
  let key: string | null = null;
  try {
    const seen = statSync(file, { throwIfNoEntry: false });
    if (!seen) return {};
    key = JSON.stringify([file, seen.ino, seen.size, seen.mtimeMs, seen.ctimeMs]);
  } catch {
    // Unreadable: reading it says why.
  }
  if (key !== null && lastParsed?.key === key) return lastParsed.config;
  const config = parseUserConfig(file);
  Object.freeze(config.compilerFlags);
  if (key !== null) lastParsed = { key, config: Object.freeze(config) };
  return config;
}

function parseUserConfig(file: string): UserConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new SpecError(file, [{ path: [], message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }], WHAT);
  }
  const { data, locate } = parseYamlText(text, file, WHAT);
  // An empty file is a configuration that sets nothing.
  const parsed = UserConfigSchema.safeParse(data ?? {});
  if (parsed.success) return parsed.data;
  throw new SpecError(file, parsed.error.issues.map((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    const message = i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')} (known: ${Object.keys(UserConfigSchema.shape).join(', ')})`
      : i.code === 'invalid_type' && path.length === 0 ? 'expected a mapping of compiler, compilerFlags, threads, cudaDevice'
      : i.message;
    return { path, message, ...locate(path) };
  }), WHAT);
}
