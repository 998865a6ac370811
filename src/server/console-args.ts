import { parseArgs } from 'node:util';

export const usage =
  'Usage: npm run console -- [--host H] [--port N] [--data-dir D] [--no-open] [--no-demo] [--demo-scale N]';

export interface ConsoleArgs {
  host: string;
  /** 0 asks the OS for a free port. */
  port: number;
  /** Undefined means: FLEETDECK_DATA_DIR, then the per-OS default (resolveDataDir). */
  dataDir: string | undefined;
  open: boolean;
  /** Start the demo fleet when no source is configured (default), or never (`--no-demo`). */
  demo: boolean;
  /** `--demo-scale N`: simulate N endpoints instead of the bundled demo fleet. */
  demoScale: number | undefined;
  help: boolean;
}

/** A command-line mistake: printed as one line with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses the console host's flags. Anything unknown is an error rather than silently ignored,
 * so a typo like `--prot 8080` never starts a console on a port nobody asked for.
 */
export function parseConsoleArgs(argv: readonly string[]): ConsoleArgs {
  let values: {
    host?: string;
    port?: string;
    'data-dir'?: string;
    'no-open'?: boolean;
    'no-demo'?: boolean;
    'demo-scale'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'no-open': { type: 'boolean' },
        'no-demo': { type: 'boolean' },
        'demo-scale': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs messages are multi-line hints; keep the first sentence only.
    const first = ((error as Error).message.split('\n')[0] ?? '').trim();
    throw new UsageError(first || 'invalid arguments');
  }

  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '' || /[\s/?#@]/.test(host))
    throw new UsageError(`--host ${JSON.stringify(host)} is not a host name or address`);

  let port = 0;
  if (values.port !== undefined) {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) {
      throw new UsageError(
        `--port ${JSON.stringify(values.port)} is not a port number (0-65535; 0 picks a free one)`,
      );
    }
    port = Number(values.port);
  }

  const dataDir = values['data-dir'];
  if (dataDir !== undefined && dataDir.trim() === '') throw new UsageError('--data-dir needs a folder');

  let demoScale: number | undefined;
  if (values['demo-scale'] !== undefined) {
    if (
      !/^\d{1,6}$/.test(values['demo-scale']) ||
      Number(values['demo-scale']) < 1 ||
      Number(values['demo-scale']) > 100_000
    ) {
      throw new UsageError(
        `--demo-scale ${JSON.stringify(values['demo-scale'])} is not a number of endpoints (1-100000)`,
      );
    }
    demoScale = Number(values['demo-scale']);
    if (values['no-demo']) throw new UsageError('--demo-scale and --no-demo contradict each other');
  }

  return {
    host,
    port,
    dataDir,
    open: !values['no-open'],
    demo: !values['no-demo'],
    demoScale,
    help: values.help ?? false,
  };
}
