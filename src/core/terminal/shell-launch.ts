import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { FleetError } from '../../shared/errors/fleet-error';
import type { Logger } from '../log/logger';
import type { PtySpawn } from './pty-session';

export interface ShellLaunch {
  file: string;
  args: string[];
  /** What the session calls its shell (shown in lists). */
  name: string;
}

/**
 * The user's login shell: $SHELL, else /bin/bash, else /bin/sh, run as a login shell. Bash gets
 * an init file that reads the same startup files as `bash -l` and then puts the fleet's bin/
 * back in front, because Debian's and Ubuntu's /etc/profile reset PATH outright and would drop
 * it. Nothing here comes from data: the init file is a constant, the paths come from the
 * environment.
 */
export function loginShell(env: NodeJS.ProcessEnv, bashInitFile: string | null): ShellLaunch {
  const candidates = [env.SHELL, '/bin/bash', '/bin/sh'].filter(
    (file): file is string => !!file && file.startsWith('/'),
  );
  const file = candidates.find(isExecutable) ?? '/bin/sh';
  const name = basename(file);
  if (name === 'bash' && bashInitFile) return { file, args: ['--init-file', bashInitFile, '-i'], name };
  return { file, args: ['-l'], name };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The bash init file: a login shell's startup files, then the fleet context on top. */
export const BASH_LOGIN_INIT = `# Written by Fleetdeck (src/core/terminal/terminal-env.ts) at every start; edits are lost.
# The startup files bash -l reads ...
if [ -r /etc/profile ]; then . /etc/profile; fi
if [ -r "$HOME/.bash_profile" ]; then . "$HOME/.bash_profile"
elif [ -r "$HOME/.bash_login" ]; then . "$HOME/.bash_login"
elif [ -r "$HOME/.profile" ]; then . "$HOME/.profile"
fi
# ... then Fleetdeck's bin/ first again: /etc/profile on Debian and Ubuntu resets PATH.
if [ -n "\${FLEETDECK_BIN_DIR:-}" ]; then PATH="$FLEETDECK_BIN_DIR:$PATH"; export PATH; fi
`;

/** The bash init file (see BASH_LOGIN_INIT) in the data directory; null if it cannot be written. */
export function writeBashInit(dataDir: string, log: Logger): string | null {
  const file = join(dataDir, 'terminal', 'bash-login.sh');
  try {
    mkdirSync(join(dataDir, 'terminal'), { recursive: true, mode: 0o700 });
    writeFileSync(file, BASH_LOGIN_INIT, { mode: 0o600 });
    return file;
  } catch (error) {
    log.warn('could not write the bash init file; bash terminals start as plain login shells', {
      file,
      error: (error as Error).message,
    });
    return null;
  }
}

/**
 * node-pty's spawn, loaded on first use so that a missing or broken addon costs the terminals
 * only (with a clear error in terminal.open), never the start of the app.
 */
export function loadNodePty(modulePath = 'node-pty'): PtySpawn {
  try {
    return (createRequire(import.meta.url)(modulePath) as { spawn: PtySpawn }).spawn;
  } catch (error) {
    throw new FleetError({
      code: 'unavailable',
      message: `Terminals cannot start: node-pty did not load (${String((error as Error).message).split('\n')[0]}).`,
      where: 'terminal.open',
      hint: 'Run "npm rebuild node-pty" in the Fleetdeck folder (it needs a C++ toolchain), then restart Fleetdeck.',
    });
  }
}
