// An image's root filesystem, run as a pod would run it, without a container runtime (podman run
// cannot set rlimits in this sandbox): a container is created, never started, and its root
// filesystem mounted; `asPod()` gives a read-only bind of it with the pod's volumes bound writable
// on top, and commands run there with chroot as the image's user, its working folder and the given
// environment, on the host's network. Needs root (mount, chroot).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageConfig, podman, sh, type ImageConfig } from './podman.js';

export interface PodRoot {
  /** The read-only root with the volumes bound on it. */
  readonly root: string;
  /** Host folder bound at each volume's path. */
  readonly volumes: Record<string, string>;
  /** Spawns argv in the image (uid:gid of its USER, its WORKDIR, only `env`), stdio piped. */
  spawn(argv: string[], env: Record<string, string>): ChildProcess;
  /** Runs argv in the image to its end: exit status and output. */
  run(argv: string[], env?: Record<string, string>): { status: number | null; stdout: string; stderr: string };
}

export interface ImageRoot {
  readonly config: ImageConfig;
  /** The container's own (writable) root filesystem: for checks on the image's permissions. */
  readonly writable: string;
  /** Runs argv as the image's user in the writable root (for permission checks). */
  runAsUser(argv: string[]): { status: number | null; stdout: string; stderr: string };
  /**
   * The root as a pod with readOnlyRootFilesystem sees it: each volume (an absolute path in the
   * image) bound read-write to a host folder — the one given, or a fresh one owned by the image's
   * user (an emptyDir) for null —, everything else read-only; /dev, /proc and /sys are the host's.
   */
  asPod(volumes: Record<string, string | null>): PodRoot;
  /** Unmounts everything and removes the container and the host folders. */
  close(): void;
}

const chrootArgv = (root: string, config: ImageConfig, argv: string[], env: Record<string, string>) => [
  `--userspec=${config.User}`, root, '/usr/bin/env', '-i', '-C', config.WorkingDir || '/',
  ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv,
];

/** Mounts: each a bind made private, so unmounting it never propagates to the host's mounts. */
function bind(source: string, target: string, readOnly = false): void {
  sh('mount', ['--bind', source, target]);
  sh('mount', ['--make-private', target]);
  if (readOnly) sh('mount', ['-o', 'remount,bind,ro', target]);
}

export function openImageRoot(tag: string): ImageRoot {
  const config = imageConfig(tag);
  const container = `spikesweep-image-test-${process.pid}-${Date.now()}`;
  podman('create', '--name', container, tag);
  const writable = podman('mount', container).trim();
  const mounts: string[] = [];
  const roots: string[] = [];
  const emptyDirs: string[] = [];
  const run = (root: string, argv: string[], env: Record<string, string>) => {
    const r = spawnSync('chroot', chrootArgv(root, config, argv, env), { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const imageEnv = Object.fromEntries(config.Env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return {
    config,
    writable,
    runAsUser: (argv) => run(writable, argv, imageEnv),
    asPod(wanted) {
      const root = mkdtempSync(join(tmpdir(), 'spikesweep-pod-root-'));
      roots.push(root);
      // Mount points are made in the container's own layer before the root turns read-only.
      for (const p of [...Object.keys(wanted), '/dev', '/proc', '/sys']) mkdirSync(join(writable, p), { recursive: true });
      bind(writable, root, true);
      mounts.push(root);
      const volumes: Record<string, string> = {};
      for (const [p, given] of Object.entries(wanted)) {
        let host = given;
        if (!host) {
          host = mkdtempSync(join(tmpdir(), 'spikesweep-pod-volume-'));
          sh('chown', ['--', config.User, host]);
          emptyDirs.push(host);
        }
        bind(host, join(root, p));
        mounts.push(join(root, p));
        volumes[p] = host;
      }
      for (const p of ['/dev', '/proc', '/sys']) {
        bind(p, join(root, p), p !== '/dev');
        mounts.push(join(root, p));
      }
      return {
        root,
        volumes,
        spawn: (argv, env) => spawn('chroot', chrootArgv(root, config, argv, env), { stdio: ['ignore', 'pipe', 'pipe'] }),
        run: (argv, env = imageEnv) => run(root, argv, env),
      };
    },
    close() {
      for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
      spawnSync('podman', ['umount', container]);
      spawnSync('podman', ['rm', '-f', container]);
      // rmdir, not rm -r: a root whose unmount failed must not be emptied through its binds.
      for (const r of roots) { try { rmdirSync(r); } catch { /* still mounted: left for the admin */ } }
      for (const d of emptyDirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
