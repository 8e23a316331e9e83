// The CLI's option tables: each command's options, typed against the options object its action
// receives, with the parsers that reject bad values (exit code 2) before any work starts.
import { InvalidArgumentError } from 'commander';
import { BACKEND_NAMES, CUDA_MODES, HOST_COMPILERS, isBackendName, type BackendName, type CudaMode, type HostCompiler } from '../backends/index.js';
import { GPU_MODEL_NAMES, GPU_MODELS, isGpuModelName, type GpuModelName } from '../backends/cuda/gpus.js';
import { FORMATS, RASTER_CAP, type Format } from '../report/formats.js';

export interface OptionDef {
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number of ms, got '${value}'`);
  return n;
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got '${value}'`);
    }
    return n;
  };
}

function backendName(value: string): BackendName {
  if (!isBackendName(value)) throw new InvalidArgumentError(`expected one of ${BACKEND_NAMES.join(', ')}, got '${value}'`);
  return value;
}

function cudaMode(value: string): CudaMode {
  const mode = CUDA_MODES.find((m) => m === value);
  if (!mode) throw new InvalidArgumentError(`expected one of ${CUDA_MODES.join(', ')}, got '${value}'`);
  return mode;
}

function gpuModel(value: string): GpuModelName {
  if (!isGpuModelName(value)) throw new InvalidArgumentError(`expected one of ${GPU_MODEL_NAMES.join(', ')}, got '${value}'`);
  return value;
}

function hostCompiler(value: string): HostCompiler {
  const compiler = HOST_COMPILERS.find((c) => c === value);
  if (!compiler) throw new InvalidArgumentError(`expected one of ${HOST_COMPILERS.join(', ')}, got '${value}'`);
  return compiler;
}

/** What `spikesweep run` hands its action (commander camel-cases --cache-dir to cacheDir). */
export interface RunCliOptions {
  duration?: number;
  seed?: number;
  threads?: number;
  backend?: BackendName;
  cudaMode?: CudaMode;
  device?: number;
  compiler?: HostCompiler;
  out?: string;
  json?: boolean;
  cacheDir?: string;
  clean?: boolean;
  checkpointEvery?: number;
  resume?: string;
  plan?: boolean;
  gpu?: GpuModelName;
  deviceMemory?: number;
}

export const RUN_OPTIONS = {
  duration: { flags: '--duration <ms>', description: "simulated time in ms (default: the spec's duration)", parse: positiveNumber },
  seed: { flags: '--seed <n>', description: "random seed (default: the spec's seed, else a random one, recorded)", parse: integer(0, Number.MAX_SAFE_INTEGER) },
  threads: { flags: '--threads <n>', description: 'CPU threads (default: config.numThreads of the spec, else threads of the user configuration, else 1)', parse: integer(1, 4096) },
  backend: { flags: '--backend <name>', description: `the backend that compiles and runs the network: ${BACKEND_NAMES.join(' | ')} (default openmp)`, parse: backendName },
  cudaMode: { flags: '--cuda-mode <mode>', description: 'with --backend cuda: exact (default; the CPU backends\' spikes bit for bit) or fast (float atomics and fast math; rates within the reference bands only)', parse: cudaMode },
  device: { flags: '--device <id>', description: 'with --backend cuda: the GPU to run on (default: cudaDevice of the user configuration, else 0)', parse: integer(0, 1023) },
  compiler: { flags: '--compiler <name>', description: `the host C++ compiler: ${HOST_COMPILERS.join(' | ')} (default: the spec's compiler, else the user configuration's, else g++)`, parse: hostCompiler },
  out: { flags: '--out <dir>', description: 'output folder (default: out/<spec name>-<seed>)' },
  json: { flags: '--json', description: 'print the run report as one JSON object on stdout (logs stay on stderr)' },
  cacheDir: { flags: '--cache-dir <dir>', description: 'compiled kernel cache (default: $SPIKESWEEP_CACHE_DIR or ~/.cache/spikesweep/kernels)' },
  clean: { flags: '--clean', description: 'rebuild the kernel even when it is cached, replacing the cached one' },
  checkpointEvery: { flags: '--checkpoint-every <ms>', description: 'write outputs in parts (spikes/part-*.parquet) and a checkpoint every <ms> of simulated time, so the run can be resumed', parse: positiveNumber },
  resume: { flags: '--resume <dir>', description: 'continue the checkpointed run in <dir> up to --duration (the total, default: the original one); give no spec' },
  plan: { flags: '--plan', description: 'with --backend cuda: print the memory plan (bytes per copy, copies that fit the device, the schedule) and run nothing; needs no GPU' },
  gpu: { flags: '--gpu <model>', description: `with --plan: the GPU to plan for, ${GPU_MODEL_NAMES.map((m) => `${m} (${GPU_MODELS[m].name})`).join(', ')} (default h100)`, parse: gpuModel },
  deviceMemory: { flags: '--device-memory <GiB>', description: 'with --plan: the device memory to plan for, in GiB (default: the GPU\'s)', parse: positiveNumber },
} satisfies { [K in keyof Required<RunCliOptions>]: OptionDef };

/** What `spikesweep tree` hands its action. */
export interface TreeCliOptions {
  json?: boolean;
  node?: string;
}

export const TREE_OPTIONS = {
  json: { flags: '--json', description: 'print JSON instead of YAML' },
  node: { flags: '--node <path>', description: "print only this node, a dotted path such as layers.exc (a leaf's full params)" },
} satisfies { [K in keyof Required<TreeCliOptions>]: OptionDef };

function port(value: string): number {
  return integer(1, 65535)(value);
}

function hostPort(value: string): string {
  const m = /^(.+):(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new InvalidArgumentError(`expected host:port (e.g. 0.0.0.0:9464), got '${value}'`);
  return value.trim();
}

function queueKind(value: string): 'cpu' | 'gpu' {
  if (value !== 'cpu' && value !== 'gpu') throw new InvalidArgumentError(`expected cpu or gpu, got '${value}'`);
  return value;
}

/**
 * What `spikesweep worker` hands its action. Each option falls back to an environment variable
 * (worker/settings.ts WORKER_ENV) so container images and manifests can configure it either way.
 */
export interface WorkerCliOptions {
  queue?: 'cpu' | 'gpu';
  concurrency?: number;
  threads?: number;
  metrics?: string;
  shutdownGrace?: number;
}

export const WORKER_OPTIONS = {
  queue: { flags: '--queue <kind>', description: 'task queue: cpu (spikesweep-cpu) or gpu (spikesweep-gpu) (env SPIKESWEEP_QUEUE; default cpu)', parse: queueKind },
  concurrency: { flags: '--concurrency <n>', description: 'runs at once (env SPIKESWEEP_CONCURRENCY; default: cores / threads on cpu, 1 on gpu)', parse: integer(1, 4096) },
  threads: { flags: '--threads <n>', description: 'threads per run (env SPIKESWEEP_THREADS; default 1)', parse: integer(1, 4096) },
  metrics: { flags: '--metrics <host:port>', description: 'serve Prometheus metrics at http://<host:port>/metrics (env SPIKESWEEP_METRICS_ADDRESS)', parse: hostPort },
  shutdownGrace: { flags: '--shutdown-grace <ms>', description: 'after SIGTERM, how long in-flight runs get to checkpoint and finish (env SPIKESWEEP_SHUTDOWN_GRACE_MS; default 30000)', parse: integer(0, 86_400_000) },
} satisfies { [K in keyof Required<WorkerCliOptions>]: OptionDef };

/** What `spikesweep server` hands its action. */
export interface ServerCliOptions {
  port?: number;
  uiPort?: number;
  db?: string;
  ip?: string;
}

export const SERVER_OPTIONS = {
  port: { flags: '--port <n>', description: 'frontend gRPC port (default 7233)', parse: port },
  uiPort: { flags: '--ui-port <n>', description: 'Web UI port (default 8233)', parse: port },
  db: { flags: '--db <file>', description: 'SQLite db file (default ${XDG_DATA_HOME:-~/.local/share}/spikesweep/temporal/dev-server.db)' },
  ip: { flags: '--ip <address>', description: 'interface to listen on (default 127.0.0.1; 0.0.0.0 for all)' },
} satisfies { [K in keyof Required<ServerCliOptions>]: OptionDef };

/** What `spikesweep sweep` hands its action. */
export interface SweepCliOptions {
  detach?: boolean;
  json?: boolean;
  concurrency?: number;
  out?: string;
  report?: boolean;
}

export const SWEEP_OPTIONS = {
  detach: { flags: '--detach', description: 'submit and return; follow it with `spikesweep status` or in the Web UI' },
  json: { flags: '--json', description: 'print one JSON object (sweepId, status, runs, output, uiUrl) on stdout' },
  concurrency: { flags: '--concurrency <n>', description: "runs at once (default: the sweep's maxConcurrent)", parse: integer(1, 100_000) },
  out: { flags: '--out <dir>', description: "dataset root instead of the spec's output (the dataset is <dir>/<sweep id>; the sweep id does not change)" },
  report: { flags: '--report', description: 'when the sweep ends, write its report (spikesweep report) to <dataset>/report and print its path' },
} satisfies { [K in keyof Required<SweepCliOptions>]: OptionDef };

/** What `spikesweep status` and `spikesweep cancel` hand their actions. */
export interface SweepQueryCliOptions {
  json?: boolean;
}

export const SWEEP_QUERY_OPTIONS = {
  json: { flags: '--json', description: 'print one JSON object on stdout' },
} satisfies { [K in keyof Required<SweepQueryCliOptions>]: OptionDef };

function runList(value: string): number[] {
  const runs = value.split(',').map((v) => v.trim());
  if (runs.some((r) => !/^\d+$/.test(r))) throw new InvalidArgumentError(`expected run indices separated by commas (0,5,12), got '${value}'`);
  return runs.map(Number);
}

function formatList(value: string): Format[] {
  const formats = value.split(',').map((v) => v.trim());
  const unknown = formats.filter((f) => !FORMATS.some((known) => known === f));
  if (unknown.length || formats.length === 0) throw new InvalidArgumentError(`expected some of ${FORMATS.join(', ')} separated by commas, got '${value}'`);
  return formats as Format[];
}

/** What `spikesweep report` hands its action. */
export interface ReportCliOptions {
  out?: string;
  format?: Format[];
  metric?: string;
  x?: string;
  y?: string;
  runs?: number[];
  rasterCap?: number;
  json?: boolean;
}

export const REPORT_OPTIONS = {
  out: { flags: '--out <dir>', description: 'folder of the report (default: <run or sweep folder>/report)' },
  format: { flags: '--format <list>', description: `what to write, from ${FORMATS.join(',')} (default: all): index.html with the figures inlined, and one PNG and one SVG per figure`, parse: formatList },
  metric: { flags: '--metric <column>', description: "sweeps: the runs.parquet column of the heatmap (default: the first population's rate_<pop>_hz)" },
  x: { flags: '--x <parameter>', description: "sweeps: the varied parameter on the heatmap's x axis (default: the first)" },
  y: { flags: '--y <parameter>', description: "sweeps: the varied parameter on the heatmap's y axis (default: the next)" },
  runs: { flags: '--runs <list>', description: 'sweeps: also render the pages of these runs (0,5,12), linked from the sweep page', parse: runList },
  rasterCap: { flags: '--raster-cap <spikes>', description: `most spikes drawn exactly in the raster's neuron subset (default ${RASTER_CAP}; 0: density image only)`, parse: integer(0, 10_000_000) },
  json: { flags: '--json', description: 'print the written files as one JSON object' },
} satisfies { [K in keyof Required<ReportCliOptions>]: OptionDef };

/** What `spikesweep results` hands its action. */
export interface ResultsCliOptions {
  sql?: string;
  json?: boolean;
}

export const RESULTS_OPTIONS = {
  sql: { flags: '--sql <query>', description: 'DuckDB SQL over the views runs, spikes and state (default: SELECT * FROM runs ORDER BY run)' },
  json: { flags: '--json', description: 'print the rows as a JSON array' },
} satisfies { [K in keyof Required<ResultsCliOptions>]: OptionDef };
