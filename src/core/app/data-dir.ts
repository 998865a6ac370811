import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataDirInput {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/** The per-OS application-data folder, the same one Electron's `app.getPath('userData')` uses. */
export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Fleetdeck');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Fleetdeck');
    default:
      return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Fleetdeck');
  }
}

/** Reads `--data-dir D` or `--data-dir=D` from argv; returns undefined when absent. */
export function dataDirFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir') return argv[i + 1];
    if (arg.startsWith('--data-dir=')) return arg.slice('--data-dir='.length);
  }
  return undefined;
}

/** Precedence: `--data-dir` flag, then `FLEETDECK_DATA_DIR`, then the OS default. */
export function resolveDataDir(input: DataDirInput = {}): string {
  const env = input.env ?? process.env;
  const fromFlag = dataDirFlag(input.argv ?? process.argv);
  if (fromFlag) return resolve(fromFlag);
  if (env.FLEETDECK_DATA_DIR) return resolve(env.FLEETDECK_DATA_DIR);
  return defaultDataDir(input.platform ?? process.platform, env, input.home ?? homedir());
}
