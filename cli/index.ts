// The spikesweep command: an option table over the programmatic APIs. Each command's
// implementation is imported only when that command runs, so `--help` stays fast.
import { Command, CommanderError, Option } from 'commander';
import { spikesweepVersion } from '../engine/index.js';
import { classifyError } from './errors.js';
import { RUN_OPTIONS, TREE_OPTIONS, type OptionDef, type RunCliOptions, type TreeCliOptions } from './options.js';
import { SERVER_OPTIONS, WORKER_OPTIONS, type ServerCliOptions, type WorkerCliOptions } from './options.js';
import { RESULTS_OPTIONS, SWEEP_OPTIONS, SWEEP_QUERY_OPTIONS, type ResultsCliOptions, type SweepCliOptions, type SweepQueryCliOptions } from './options.js';
import { REPORT_OPTIONS, type ReportCliOptions } from './options.js';

export interface CliHandlers {
  /** specFile is undefined with --resume. */
  run(specFile: string | undefined, options: RunCliOptions): Promise<number>;
  tree(file: string, options: TreeCliOptions): Promise<number>;
  worker(options: WorkerCliOptions): Promise<number>;
  server(options: ServerCliOptions): Promise<number>;
  sweep(file: string, options: SweepCliOptions): Promise<number>;
  status(sweep: string, options: SweepQueryCliOptions): Promise<number>;
  cancel(sweep: string, options: SweepQueryCliOptions): Promise<number>;
  results(sweep: string, options: ResultsCliOptions): Promise<number>;
  report(target: string, options: ReportCliOptions): Promise<number>;
}

const defaultHandlers: CliHandlers = {
  async run(specFile, options) {
    const { runCommand } = await import('./commands/run.js');
    return runCommand(specFile, options);
  },
  async tree(file, options) {
    const { treeCommand } = await import('./commands/tree.js');
    return treeCommand(file, options);
  },
  async worker(options) {
    const { workerCommand } = await import('./commands/worker.js');
    return workerCommand(options);
  },
  async server(options) {
    const { serverCommand } = await import('./commands/server.js');
    return serverCommand(options);
  },
  async sweep(file, options) {
    const { sweepCommand } = await import('./commands/sweep.js');
    return sweepCommand(file, options);
  },
  async status(sweep, options) {
    const { statusCommand } = await import('./commands/status.js');
    return statusCommand(sweep, options);
  },
  async cancel(sweep, options) {
    const { cancelCommand } = await import('./commands/cancel.js');
    return cancelCommand(sweep, options);
  },
  async results(sweep, options) {
    const { resultsCommand } = await import('./commands/results.js');
    return resultsCommand(sweep, options);
  },
  async report(target, options) {
    const { reportCommand } = await import('./commands/report.js');
    return reportCommand(target, options);
  },
};

function addOptions(command: Command, table: Record<string, OptionDef>): Command {
  for (const def of Object.values(table)) {
    const option = new Option(def.flags, def.description);
    if (def.parse) option.argParser(def.parse);
    command.addOption(option);
  }
  return command;
}

/** The commander program; `handlers` lets tests parse arguments without running anything. */
export function buildProgram(handlers: CliHandlers = defaultHandlers): { program: Command; exitCode: () => number } {
  let exitCode = 0;
  const program = new Command('spikesweep')
    .description('Spiking neural network simulations at sweep scale')
    .version(spikesweepVersion)
    .exitOverride()
    .showSuggestionAfterError();
  const run = program.command('run')
    .description('run one simulation of a network spec or experiment (YAML/JSON) and write spikes.parquet, state.parquet, manifest.json; or continue one (--resume)')
    .argument('[spec]', 'network spec or experiment file (.yaml, .yml or .json); omitted with --resume')
    .action(async (spec: string | undefined, options: RunCliOptions) => {
      if (options.resume !== undefined) {
        const clash = (['seed', 'threads', 'backend', 'cudaMode', 'device', 'out', 'checkpointEvery', 'plan'] as const).filter((k) => options[k] !== undefined);
        if (spec !== undefined) run.error(`error: --resume continues the run in ${options.resume} with its own spec; give no spec file`, { exitCode: 2, code: 'spikesweep.resumeSpec' });
        if (clash.length) run.error(`error: --resume keeps the run's own ${clash.map((k) => RUN_OPTIONS[k].flags.split(' ')[0]).join(', ')}; leave ${clash.length > 1 ? 'them' : 'it'} out`, { exitCode: 2, code: 'spikesweep.resumeOptions' });
      } else if (spec === undefined) run.error("error: missing required argument 'spec'", { exitCode: 2, code: 'commander.missingArgument' });
      if (options.plan && options.backend !== 'cuda') run.error('error: --plan is the cuda backend\'s memory plan; add --backend cuda', { exitCode: 2, code: 'spikesweep.planBackend' });
      if (options.deviceMemory !== undefined && !options.plan) run.error('error: --device-memory sizes a --plan; add --plan', { exitCode: 2, code: 'spikesweep.deviceMemory' });
      if (options.gpu !== undefined && !options.plan) run.error('error: --gpu names the device of a --plan; add --plan', { exitCode: 2, code: 'spikesweep.gpu' });
      exitCode = await handlers.run(spec, options);
    });
  addOptions(run, RUN_OPTIONS);
  const tree = program.command('tree')
    .description('print the resolved parameter trees of an experiment (or of any YAML parameter tree): every node with its inherited params')
    .argument('<file>', 'experiment or parameter tree file (.yaml, .yml or .json)')
    .action(async (file: string, options: TreeCliOptions) => {
      exitCode = await handlers.tree(file, options);
    });
  addOptions(tree, TREE_OPTIONS);
  const worker = program.command('worker')
    .description('run a Temporal worker for sweep runs on the spikesweep-cpu or spikesweep-gpu task queue (connection: TEMPORAL_ADDRESS etc.); SIGTERM drains it')
    .action(async (options: WorkerCliOptions) => {
      exitCode = await handlers.worker(options);
    });
  addOptions(worker, WORKER_OPTIONS);
  const server = program.command('server')
    .description('run the local Temporal dev server (persistent SQLite db, Web UI) in the foreground; Ctrl-C stops it')
    .action(async (options: ServerCliOptions) => {
      exitCode = await handlers.server(options);
    });
  addOptions(server, SERVER_OPTIONS);
  const sweep = program.command('sweep')
    .description('run a parameter × seed sweep on Temporal (embedded: a local dev server and an in-process worker when TEMPORAL_ADDRESS is not set)')
    .argument('<spec>', 'sweep file (.yaml)')
    .action(async (file: string, options: SweepCliOptions) => {
      exitCode = await handlers.sweep(file, options);
    });
  addOptions(sweep, SWEEP_OPTIONS);
  for (const [name, description, table] of [
    ['status', 'where a sweep stands: runs done, failed, running; output folder; Web UI link', SWEEP_QUERY_OPTIONS],
    ['cancel', 'cancel a sweep: in-flight runs stop, completed runs stay (marked in runs.parquet)', SWEEP_QUERY_OPTIONS],
    ['results', "query a sweep's dataset with DuckDB (views runs, spikes, state)", RESULTS_OPTIONS],
  ] as const) {
    const command = program.command(name).description(description).argument('<sweep>', 'sweep id (or, for results, its output folder)')
      .action(async (id: string, options: SweepQueryCliOptions & ResultsCliOptions) => {
        exitCode = await handlers[name](id, options);
      });
    addOptions(command, table);
  }
  const report = program.command('report')
    .description('an HTML page with figures (PNG and SVG files too) of a run, or of a sweep with a heatmap of a runs.parquet metric and links to run pages')
    .argument('<target>', 'a run folder (spikesweep run --out, or a sweep\'s runs/run=<i>), a sweep folder, or a sweep id')
    .action(async (target: string, options: ReportCliOptions) => {
      exitCode = await handlers.report(target, options);
    });
  addOptions(report, REPORT_OPTIONS);
  return { program, exitCode: () => exitCode };
}

/** Runs the CLI; resolves with the process exit code. */
export async function main(argv: string[] = process.argv): Promise<number> {
  const json = argv.includes('--json');
  const { program, exitCode } = buildProgram();
  try {
    await program.parseAsync(argv);
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0; // --help, --version
      // Commander has already printed its message on stderr.
      if (json) process.stdout.write(`${JSON.stringify({ error: { kind: 'usage', message: error.message.replace(/^error: /, '') } })}\n`);
      return 2;
    }
    const c = classifyError(error);
    process.stderr.write(`spikesweep: ${c.message}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: { kind: c.kind, message: c.message } })}\n`);
    return c.exitCode;
  }
}
