// Messages between a sweep worker and its runner processes (runner-child.ts).
import type { BackendName } from '../../backends/index.js';
import type { NetworkSpec } from '../../network/spec/schema.js';
import type { Phase } from '../../network/experiment/index.js';
import type { ErrorKind, RunReport } from '../../engine/index.js';

export type RunJob =
  | { kind: 'run'; spec: NetworkSpec; protocol: Phase[] | null; seed: number; threads: number; backend: BackendName; durationMs: number; checkpointEveryMs: number; outDir: string; runId: string; cacheDir: string | null; env: Record<string, string> }
  | { kind: 'resume'; outDir: string; durationMs: number; cacheDir: string | null; env: Record<string, string> };

export type RunnerReply =
  | { kind: 'done'; report: RunReport }
  | { kind: 'failed'; error: { kind: ErrorKind; message: string; exitCode: number } };
