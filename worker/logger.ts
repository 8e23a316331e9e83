// The Temporal SDK's logs (worker, workflow and activity context loggers, and the native core's
// forwarded logs) bridged into pino: a DefaultLogger whose sink writes to a pino logger.
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';

const TO_PINO: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The SDK level matching a pino level (pino filters again; this only avoids building dropped entries). */
export function sdkLevelOf(pinoLevel: string): LogLevel {
  switch (pinoLevel) {
    case 'trace': return 'TRACE';
    case 'debug': return 'DEBUG';
    case 'info': return 'INFO';
    case 'warn': return 'WARN';
    default: return 'ERROR';
  }
}

export function pinoSdkLogger(pino: PinoLogger): DefaultLogger {
  const sdk = pino.child({ component: 'temporal' });
  return new DefaultLogger(sdkLevelOf(pino.level), (entry: LogEntry) => {
    const { meta } = entry;
    // Core's forwarded logs carry their timestamp; keep it (ms) beside pino's own.
    sdk[TO_PINO[entry.level]]({ ...meta, sdkTime: Number(entry.timestampNanos / 1_000_000n) }, entry.message);
  });
}
