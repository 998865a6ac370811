import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { redactSecrets } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /** Directory for `fleetdeck.log`; omit to log to stderr only. */
  dir?: string;
  level?: LogLevel;
  /** Echo warnings and errors to stderr (the console host's terminal). */
  stderr?: boolean;
}

/**
 * A small line logger: JSON lines in `<data-dir>/logs/fleetdeck.log`. Every line passes through
 * `redactSecrets`, so a token or key that reaches a message never lands on disk in clear.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = order[options.level ?? 'info'];
  let file: string | null = null;
  if (options.dir) {
    try {
      mkdirSync(options.dir, { recursive: true, mode: 0o700 });
      file = join(options.dir, 'fleetdeck.log');
    } catch {
      file = null;
    }
  }
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (order[level] < threshold) return;
    const line = redactSecrets(JSON.stringify({ t: new Date().toISOString(), level, message, ...fields }));
    if (file) {
      try {
        appendFileSync(file, line + '\n', { mode: 0o600 });
      } catch {
        // A full or read-only disk must not take the app down with it; stderr still gets it.
        file = null;
      }
    }
    if (options.stderr && order[level] >= order.warn)
      process.stderr.write(`${level}: ${redactSecrets(message)}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
