// `spikesweep run <spec>`: load the spec (or experiment, with its protocol), run it in-process with
// runNetwork — or continue a checkpointed run with --resume <dir> — then print either one JSON
// report on stdout (--json) or a progress bar (stderr, on a terminal) and a summary.
import { resolve } from 'node:path';
import { drawSeed, resumeRun, runNetwork, type RunReport } from '../../engine/index.js';
import { loadExperiment } from '../../network/experiment/index.js';
import { reportError } from '../errors.js';
import { createCliLogger } from '../logger.js';
import type { RunCliOptions } from '../options.js';
import { startProgressBar, type ProgressBar } from '../progress.js';
import { formatSummary } from '../summary.js';
import { formatPlan, planFor } from '../plan.js';

/** --plan: the cuda backend's memory plan for the spec, nothing run. */
async function planCommand(specFile: string, options: RunCliOptions): Promise<number> {
  try {
    const plan = planFor(specFile, options);
    process.stdout.write(options.json ? `${JSON.stringify(plan)}\n` : formatPlan(plan));
    return 0;
  } catch (error) {
    return reportError(error, { json: options.json, specFile });
  }
}

export async function runCommand(specFile: string | undefined, options: RunCliOptions): Promise<number> {
  if (options.plan) return planCommand(specFile!, options);
  const logger = await createCliLogger();
  const controller = new AbortController();
  const onSigint = () => {
    logger.warn('interrupted: stopping the simulation at the next step');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  let bar: ProgressBar | undefined;
  const where = specFile ?? options.resume ?? 'the spec';
  try {
    if (!options.json && process.stderr.isTTY) bar = startProgressBar();
    const common = {
      durationMs: options.duration,
      compile: { directory: options.cacheDir, clean: options.clean, compiler: options.compiler },
      onProgress: bar && ((done: number, total: number) => bar!.update(done, total)),
      signal: controller.signal,
      logger,
    };
    let report: RunReport;
    if (options.resume !== undefined) {
      report = await resumeRun({ ...common, outDir: options.resume });
    } else {
      const { network: spec, protocol } = loadExperiment(specFile!);
      const seedDrawn = options.seed === undefined && spec.seed === undefined;
      const seed = options.seed ?? spec.seed ?? drawSeed();
      const outDir = options.out ?? resolve('out', `${spec.name}-${seed}`);
      report = await runNetwork({
        ...common, spec, protocol, specFile: specFile!, seed, seedDrawn, outDir,
        threads: options.threads,
        backend: options.backend,
        cudaMode: options.cudaMode,
        device: options.device,
        checkpointEveryMs: options.checkpointEvery,
      });
    }
    bar?.stop();
    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatSummary(report, where));
    return 0;
  } catch (error) {
    bar?.stop();
    logger.debug({ err: error }, 'run failed');
    return reportError(error, { json: options.json, specFile });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
