/** The process's root logger: JSON lines on stdout (pino), never personal data. */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { LogLevel } from '../gateway/config.ts';

/** A pino logger at `level` with ISO timestamps. */
export function createRootLogger(level: LogLevel): Logger {
  return pino({ level, timestamp: pino.stdTimeFunctions.isoTime, base: { pid: process.pid } });
}
