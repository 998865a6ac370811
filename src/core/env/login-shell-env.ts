import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { delimiter } from 'node:path';

/**
 * The environment a user's login shell would give a program. A desktop app started from the
 * dock or a launcher inherits launchd's / the session's bare environment, not the PATH set in
 * ~/.zshrc or ~/.bash_profile, so kubeconfig exec plugins (`aws eks get-token`,
 * `gke-gcloud-auth-plugin`, `kubelogin`) fail with "not found" (headlamp #266). We ask the login
 * shell once, with a timeout, and fall back to process.env.
 *
 * The shell is run as an argv array with a constant script: no part of the command line comes
 * from data (Lens CVE-2021-23154 was shell strings built from data).
 */
export interface LoginShellEnvOptions {
  /** Default: $SHELL, else the user's shell from the password database. */
  shell?: string;
  timeoutMs?: number;
  /** The environment to start from and to fall back to (default process.env). */
  baseEnv?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export interface LoginShellEnv {
  /** The merged environment: base values win, the shell adds what is missing, PATHs are joined. */
  env: NodeJS.ProcessEnv;
  /** Where it came from, for logs and status reasons. */
  origin: 'login-shell' | 'process';
  /** Why the login shell was not used, when it was not. */
  fallbackReason: string | null;
}

const MARK = '__FLEETDECK_ENV_MARK__';
// printf, not echo -n: dash and some zsh setups print "-n". `exit` keeps logout hooks quiet.
const SCRIPT = `printf '%s\\n' '${MARK}'; env; printf '%s\\n' '${MARK}'; exit`;
const DEFAULT_TIMEOUT_MS = 5_000;

export async function resolveLoginShellEnv(options: LoginShellEnvOptions = {}): Promise<LoginShellEnv> {
  const baseEnv = options.baseEnv ?? process.env;
  const platform = options.platform ?? process.platform;
  const fallback = (reason: string): LoginShellEnv => ({
    env: { ...baseEnv },
    origin: 'process',
    fallbackReason: reason,
  });
  if (platform === 'win32') return fallback('Windows has no login shell; using the process environment');
  const shell = options.shell ?? baseEnv.SHELL ?? safeUserShell();
  if (!shell) return fallback('no $SHELL and no shell in the user database');

  let stdout: string;
  try {
    stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        shell,
        ['-ilc', SCRIPT],
        {
          env: {
            ...baseEnv,
            DISABLE_AUTO_UPDATE: 'true',
            ZSH_TMUX_AUTOSTARTED: 'true',
            ZSH_TMUX_AUTOSTART: 'false',
          },
          timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          killSignal: 'SIGKILL',
          maxBuffer: 4 * 1024 * 1024,
          windowsHide: true,
        },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { killed?: boolean };
    const why = e.killed
      ? `did not finish within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
      : e.code === 'ENOENT'
        ? 'is not installed'
        : `failed (${firstLine(e.message)})`;
    return fallback(`login shell ${shell} ${why}; using the process environment`);
  }

  const parsed = parseEnvBetweenMarks(stdout);
  if (!parsed) return fallback(`login shell ${shell} printed no environment; using the process environment`);
  return { env: mergeEnv(baseEnv, parsed), origin: 'login-shell', fallbackReason: null };
}

let memo: Promise<LoginShellEnv> | null = null;

/** Resolved once per process (the first call starts it); every later call shares the answer. */
export function loginShellEnv(): Promise<LoginShellEnv> {
  memo ??= resolveLoginShellEnv();
  return memo;
}

/** `env` output between the two marks; values may span lines (a line without NAME= continues). */
export function parseEnvBetweenMarks(stdout: string): Record<string, string> | null {
  const start = stdout.indexOf(`${MARK}\n`);
  const end = stdout.lastIndexOf(`${MARK}\n`);
  if (start < 0 || end <= start) return null;
  const body = stdout.slice(start + MARK.length + 1, end);
  const env: Record<string, string> = {};
  let current: string | null = null;
  for (const line of body.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) {
      current = match[1]!;
      env[current] = match[2]!;
    } else if (current !== null) {
      env[current] += `\n${line}`;
    }
  }
  // The trailing newline before the closing mark belongs to the last value's line, not the value.
  if (current !== null) env[current] = env[current]!.replace(/\n$/, '');
  return env;
}

/**
 * Base values win (the user may have launched us from a terminal with a deliberate setting);
 * the shell fills in what is missing; PATH is the shell's entries followed by any the base had
 * that the shell did not, so tools found either way are still found.
 */
export function mergeEnv(base: NodeJS.ProcessEnv, shell: Record<string, string>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...shell, ...base };
  const shellPath = (shell.PATH ?? '').split(delimiter).filter(Boolean);
  const basePath = (base.PATH ?? '').split(delimiter).filter(Boolean);
  const joined = [...new Set([...shellPath, ...basePath])];
  if (joined.length > 0) merged.PATH = joined.join(delimiter);
  return merged;
}

function safeUserShell(): string | undefined {
  try {
    return userInfo().shell ?? undefined;
  } catch {
    return undefined;
  }
}

const firstLine = (text: string) => text.split('\n')[0]!.slice(0, 200);
