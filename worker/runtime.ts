// The Temporal SDK runtime, installed once per process before any NativeConnection: logs bridged
// to pino, native core logs forwarded, Prometheus metrics with histogram buckets for long runs.
import { Runtime } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';
import { pinoSdkLogger, sdkLevelOf } from './logger.js';

/**
 * Bucket bounds (ms) for activity latencies: the SDK's default stops at 60 s, while a simulation
 * run takes seconds to hours.
 */
export const LONG_RUN_BUCKETS_MS = [50, 100, 500, 1_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 86_400_000];

/** Core histogram names (prefix-independent) that get LONG_RUN_BUCKETS_MS. */
export const LONG_RUN_HISTOGRAMS = ['activity_execution_latency', 'activity_succeed_endtoend_latency', 'activity_schedule_to_start_latency'];

export interface RuntimeSettings {
  logger: PinoLogger;
  /** host:port for the Prometheus endpoint (`/metrics`), or null for no metrics. */
  metricsAddress: string | null;
}

let installed: RuntimeSettings | null = null;

/**
 * Installs the SDK runtime once; later calls with the same metrics address return the first
 * settings. Signals are left to the caller (runWorker drains on SIGTERM/SIGINT itself).
 */
export function installRuntime(settings: RuntimeSettings): RuntimeSettings {
  if (installed) {
    if (installed.metricsAddress !== settings.metricsAddress) {
      throw new Error(`the Temporal runtime is already installed with metrics at ${installed.metricsAddress ?? 'none'}; one per process`);
    }
    return installed;
  }
  const coreLevel = sdkLevelOf(settings.logger.level);
  Runtime.install({
    logger: pinoSdkLogger(settings.logger),
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: { core: coreLevel === 'TRACE' || coreLevel === 'DEBUG' ? coreLevel : 'WARN', other: 'ERROR' }, forward: {} },
      ...(settings.metricsAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: settings.metricsAddress,
                histogramBucketOverrides: Object.fromEntries(LONG_RUN_HISTOGRAMS.map((name) => [name, LONG_RUN_BUCKETS_MS])),
              },
            },
          }
        : {}),
    },
  });
  installed = settings;
  return installed;
}

export function installedRuntime(): RuntimeSettings | null {
  return installed;
}
