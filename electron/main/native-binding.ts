import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where scripts/postinstall.mjs builds better-sqlite3 for Electron. It is kept apart from
 * node_modules/better-sqlite3, whose Node build the tests and the console host keep using.
 * Keep these paths in step with scripts/postinstall.mjs.
 */
export const ELECTRON_BUILD_DIR = join('node_modules', '.fleetdeck-electron', 'better-sqlite3');
export const ELECTRON_BINDING = join(ELECTRON_BUILD_DIR, 'build', 'Release', 'better_sqlite3.node');
export const ELECTRON_BUILD_STAMP = join(ELECTRON_BUILD_DIR, 'fleetdeck-build.json');

export type NativeBindingChoice =
  { kind: 'packaged' } | { kind: 'electron-build'; binding: string } | { kind: 'missing'; problem: string };

/**
 * Which better-sqlite3 binary the desktop core should load. A packaged app uses the one
 * electron-builder rebuilt in place (npmRebuild); a development run uses the separate Electron
 * build when it exists and matches this Electron version.
 */
export function chooseNativeBinding(options: {
  appRoot: string;
  isPackaged: boolean;
  electronVersion: string;
}): NativeBindingChoice {
  if (options.isPackaged) return { kind: 'packaged' };
  const binding = join(options.appRoot, ELECTRON_BINDING);
  const howToFix =
    'Run "node scripts/postinstall.mjs" with network access (it downloads the Electron headers and rebuilds better-sqlite3 for Electron), or use "npm run console".';
  if (!existsSync(binding)) {
    return {
      kind: 'missing',
      problem: `better-sqlite3 has not been built for Electron (${binding} is missing). ${howToFix}`,
    };
  }
  let builtFor = 'an unknown Electron version';
  try {
    const stamp = JSON.parse(readFileSync(join(options.appRoot, ELECTRON_BUILD_STAMP), 'utf8')) as {
      electron?: unknown;
    };
    if (stamp.electron === options.electronVersion) return { kind: 'electron-build', binding };
    if (typeof stamp.electron === 'string') builtFor = `Electron ${stamp.electron}`;
  } catch {
    // No stamp: treated like a build for another version.
  }
  return {
    kind: 'missing',
    problem: `better-sqlite3 was built for ${builtFor}, but this is Electron ${options.electronVersion}. ${howToFix}`,
  };
}
