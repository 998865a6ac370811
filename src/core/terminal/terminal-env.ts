import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, join } from 'node:path';

/** What an endpoint contributes to a terminal opened from it. */
export interface EndpointContext {
  id: string;
  /** The kubeconfig context of its cluster (Kubernetes endpoints; for the demo, the cluster name). */
  context: string | null;
  cluster: string;
  namespace: string | null;
  /** The Deployment serving it, when it is one. */
  deployment: string | null;
  target: { kind: string; name: string };
  model: string;
}

export interface TerminalEnvInput {
  /** The login shell's environment (src/core/env/login-shell-env.ts), resolved once. */
  base: NodeJS.ProcessEnv;
  dataDir: string;
  /** The repo's bin/ (the `fleetdeck` command line); first on PATH. */
  binDir: string;
  cliAccess: { url: string; token: string } | null;
  endpoint?: EndpointContext | null;
  runId?: string | null;
}

/** Variables a terminal must not inherit from whoever started Fleetdeck: they are set per session or not at all. */
const PER_SESSION = [
  'FLEETDECK_URL',
  'FLEETDECK_TOKEN',
  'FLEETDECK_ENDPOINT',
  'FLEETDECK_CONTEXT',
  'FLEETDECK_CLUSTER',
  'FLEETDECK_NAMESPACE',
  'FLEETDECK_DEPLOYMENT',
  'FLEETDECK_TARGET',
  'FLEETDECK_MODEL',
  'FLEETDECK_RUN_ID',
  // Electron's and the test runner's own switches are no business of a user's shell.
  'ELECTRON_RUN_AS_NODE',
  'ELECTRON_NO_ATTACH_CONSOLE',
  'NODE_OPTIONS',
];

export const demoKubeconfig = (dataDir: string) => join(dataDir, 'demo', 'kubeconfig');

/**
 * The environment of a new terminal: the login shell's, then the fleet context on top, so
 * `kubectl`, the cloud CLIs' exec plugins and `fleetdeck` all work inside (issue 5).
 */
export function terminalEnv(input: TerminalEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.base)) if (value !== undefined) env[key] = value;
  for (const key of PER_SESSION) delete env[key];

  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  env.FLEETDECK_DATA_DIR = input.dataDir;
  env.FLEETDECK_BIN_DIR = input.binDir;
  env.PATH = prependPath(input.binDir, env.PATH);

  const kubeconfig = kubeconfigList(input.dataDir, env.KUBECONFIG, env.HOME ?? homedir());
  if (kubeconfig) env.KUBECONFIG = kubeconfig;

  if (input.cliAccess) {
    env.FLEETDECK_URL = input.cliAccess.url;
    env.FLEETDECK_TOKEN = input.cliAccess.token;
  }
  const endpoint = input.endpoint;
  if (endpoint) {
    env.FLEETDECK_ENDPOINT = endpoint.id;
    env.FLEETDECK_CLUSTER = endpoint.cluster;
    if (endpoint.context) env.FLEETDECK_CONTEXT = endpoint.context;
    if (endpoint.namespace) env.FLEETDECK_NAMESPACE = endpoint.namespace;
    if (endpoint.deployment) env.FLEETDECK_DEPLOYMENT = endpoint.deployment;
    env.FLEETDECK_TARGET = `${endpoint.target.kind}/${endpoint.target.name}`;
    env.FLEETDECK_MODEL = endpoint.model;
  }
  if (input.runId) env.FLEETDECK_RUN_ID = input.runId;
  return env;
}

function prependPath(dir: string, path: string | undefined): string {
  const rest = (path ?? '').split(delimiter).filter((entry) => entry && entry !== dir);
  return [dir, ...rest].join(delimiter);
}

/**
 * The demo kubeconfig (when the demo fleet wrote one) in front of the user's own list: their
 * KUBECONFIG, or ~/.kube/config when they have no KUBECONFIG. Unchanged when there is no demo.
 */
export function kubeconfigList(
  dataDir: string,
  current: string | undefined,
  home: string,
): string | undefined {
  const demo = demoKubeconfig(dataDir);
  if (!existsSync(demo)) return current;
  const own = current
    ? current.split(delimiter).filter(Boolean)
    : [join(home, '.kube', 'config')].filter((file) => existsSync(file));
  return [demo, ...own.filter((file) => file !== demo)].join(delimiter);
}

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
