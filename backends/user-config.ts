// The user's configuration file, $XDG_CONFIG_HOME/spikesweep/config.yaml (default
// ~/.config/spikesweep/config.yaml): this machine's defaults for the host compiler, its flags,
// the openmp backend's threads and the cuda backend's GPU. A spec and the CLI override each field
// (backends/README.md, "Configuration"). Read at every use, so a change applies to the next run.
import { readFileSync } from 'node:fs';
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

/** The file's settings; none when there is no file. A bad file is a SpecError naming it, the field and the line. */
export function loadUserConfig(env: NodeJS.ProcessEnv = process.env): UserConfig {
  const file = userConfigPath(env);
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
