// The CLI's pino logger: always stderr (stdout is for results), JSON unless stderr is a terminal,
// level from SPIKESWEEP_LOG_LEVEL (default warn).
import { pino, type Logger } from 'pino';

export async function createCliLogger(): Promise<Logger> {
  const level = process.env.SPIKESWEEP_LOG_LEVEL ?? 'warn';
  if (!(level in pino.levels.values) && level !== 'silent') throw new Error(`SPIKESWEEP_LOG_LEVEL must be one of ${Object.keys(pino.levels.values).join(', ')}, silent; got '${level}'`);
  if (process.stderr.isTTY) {
    const { default: pretty } = await import('pino-pretty');
    return pino({ level, base: undefined }, pretty({ destination: 2, sync: true, colorize: true }));
  }
  return pino({ level }, pino.destination({ fd: 2, sync: true }));
}
