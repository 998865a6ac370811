import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

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
