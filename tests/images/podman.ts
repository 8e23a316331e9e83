// Podman for the image test: build docker/ images on the stand-in bases (scripts/images/), read an
// image's config, size and layers. Builds keep podman's layer cache, so an unchanged rerun is quick.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/** Runs a command; throws with its output when it fails. */
export function sh(command: string, args: string[], options: { input?: string; timeoutMs?: number } = {}): string {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, input: options.input, timeout: options.timeoutMs });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal ?? r.error?.message}):\n${r.stderr}\n${r.stdout}`.slice(0, 20_000));
  return r.stdout;
}

export const podman = (...args: string[]) => sh('podman', args);

/** scripts/images/build-bases.sh: the stand-in bases' tags, by build argument (NODE_IMAGE, CUDA_IMAGE). */
export function standInBases(): Record<string, string> {
  const out = sh('bash', [join(ROOT, 'scripts/images/build-bases.sh')], { timeoutMs: 1_800_000 });
  return Object.fromEntries(out.trim().split('\n').map((line) => line.split('=', 2) as [string, string]));
}

/**
 * The host's CA bundle, for the build stage's npm only: where the registry is reached through a
 * TLS-intercepting proxy, npm in the build needs the proxy's CA. It is mounted at RUN time, so no
 * layer holds it and the Dockerfiles stay as they are.
 */
function buildCaVolumes(dir: string): string[] {
  const bundle = process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt';
  if (!existsSync(bundle)) return [];
  writeFileSync(join(dir, 'npmrc'), 'cafile=/run/spikesweep-build-ca.crt\n');
  return ['--volume', `${bundle}:/run/spikesweep-build-ca.crt:ro`, '--volume', `${join(dir, 'npmrc')}:/usr/local/etc/npmrc:ro`];
}

/** Builds `dockerfile` from the repository root as `tag`; returns the build's wall time in ms. */
export function buildImage(dockerfile: string, tag: string, buildArgs: Record<string, string>): number {
  const dir = mkdtempSync(join(tmpdir(), 'spikesweep-image-build-'));
  const started = Date.now();
  try {
    sh('podman', ['build', '--isolation', 'chroot', ...buildCaVolumes(dir),
      ...Object.entries(buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
      '-f', join(ROOT, dockerfile), '-t', tag, ROOT], { timeoutMs: 3_600_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Date.now() - started;
}

export interface ImageConfig {
  User: string;
  Env: string[];
  Entrypoint: string[];
  Volumes: Record<string, unknown> | null;
  WorkingDir: string;
}

export function imageConfig(tag: string): ImageConfig {
  return JSON.parse(podman('image', 'inspect', '--format', '{{json .Config}}', tag)) as ImageConfig;
}

/** The image's environment as an object. */
export const envOf = (config: ImageConfig): Record<string, string> =>
  Object.fromEntries(config.Env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

/** The image's size in bytes, as `podman images` reports it (all layers, uncompressed). */
export function imageBytes(tag: string): number {
  return Number(podman('image', 'inspect', '--format', '{{.Size}}', tag).trim());
}

/** Every layer's file list (paths without a leading ./ or /), in order, from `podman save`. */
export function layerFiles(tag: string): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'spikesweep-image-layers-'));
  try {
    podman('save', '--format', 'oci-dir', '-o', join(dir, 'oci'), tag);
    const blobs = join(dir, 'oci', 'blobs', 'sha256');
    const manifestIndex = JSON.parse(readFileSync(join(dir, 'oci', 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(blobs, manifestIndex.manifests[0].digest.split(':')[1]), 'utf8')) as { layers: { digest: string }[] };
    return manifest.layers.map((l) => sh('tar', ['-tf', join(blobs, l.digest.split(':')[1])]).split('\n').filter(Boolean).map((p) => p.replace(/^\.?\//, '')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
