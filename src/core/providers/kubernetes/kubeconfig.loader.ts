import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { KubeconfigError, errorMessage, truncate } from './kube-errors';

/**
 * Reads kubeconfig files the way kubectl does, with the official client's parser
 * (@kubernetes/client-node KubeConfig): an explicit path, else every file in KUBECONFIG (the
 * OS path-list separator: ':' on Linux and macOS, ';' on Windows; missing entries skipped),
 * else ~/.kube/config. Files merge with kubectl's rule: the first file to define a name wins.
 */
export interface KubeconfigLocation {
  /** An explicit file from the source configuration; wins over KUBECONFIG. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

export interface LoadedKubeconfig {
  /** The files that were read, in merge order. */
  files: string[];
  /** Listed in KUBECONFIG but absent (kubectl skips these too). */
  skipped: string[];
  currentContext: string | null;
  contexts: Context[];
  clusters: Cluster[];
  users: User[];
}

export interface KubeconfigContextInfo {
  name: string;
  cluster: string;
  user: string | null;
  namespace: string | null;
  server: string | null;
  current: boolean;
}

export function kubeconfigFiles(location: KubeconfigLocation = {}): { files: string[]; explicit: boolean } {
  if (location.path) return { files: [location.path], explicit: true };
  const env = location.env ?? process.env;
  const separator = (location.platform ?? process.platform) === 'win32' ? ';' : ':';
  const list = env.KUBECONFIG?.split(separator).filter((file) => file.trim() !== '') ?? [];
  if (list.length > 0) return { files: list, explicit: false };
  return { files: [join(location.home ?? homedir(), '.kube', 'config')], explicit: true };
}

/** Throws KubeconfigError with a reason naming the file and what to do. */
export function loadKubeconfig(location: KubeconfigLocation = {}): LoadedKubeconfig {
  const { files, explicit } = kubeconfigFiles(location);
  const loaded: LoadedKubeconfig = {
    files: [],
    skipped: [],
    currentContext: null,
    contexts: [],
    clusters: [],
    users: [],
  };
  for (const file of files) {
    const kc = readOne(file, explicit || files.length === 1);
    if (!kc) {
      loaded.skipped.push(file);
      continue;
    }
    loaded.files.push(file);
    mergeFirstWins(loaded.clusters, kc.getClusters());
    mergeFirstWins(loaded.users, kc.getUsers());
    mergeFirstWins(loaded.contexts, kc.getContexts());
    if (!loaded.currentContext && kc.getCurrentContext()) loaded.currentContext = kc.getCurrentContext();
  }
  if (loaded.files.length === 0) {
    throw new KubeconfigError(
      `none of the kubeconfig files in KUBECONFIG exist (${files.join(', ')}); fix KUBECONFIG or choose a file in Settings`,
      files[0] ?? null,
    );
  }
  if (loaded.contexts.length === 0) {
    throw new KubeconfigError(
      `kubeconfig ${loaded.files.join(', ')} defines no contexts; add one (kubectl config set-context) or choose another file in Settings`,
      loaded.files[0] ?? null,
    );
  }
  return loaded;
}

/** Contexts offered in Settings (discovered, never typed in). */
export function listKubeconfigContexts(
  path?: string,
  location: Omit<KubeconfigLocation, 'path'> = {},
): {
  files: string[];
  currentContext: string | null;
  contexts: KubeconfigContextInfo[];
} {
  const loaded = loadKubeconfig({ ...location, path });
  return {
    files: loaded.files,
    currentContext: loaded.currentContext,
    contexts: loaded.contexts.map((context) => ({
      name: context.name,
      cluster: context.cluster,
      user: context.user ?? null,
      namespace: context.namespace ?? null,
      server: loaded.clusters.find((cluster) => cluster.name === context.cluster)?.server ?? null,
      current: context.name === loaded.currentContext,
    })),
  };
}

/** The contexts to follow: the chosen ones (unknown names are reported, not fatal), or all. */
export function selectContexts(
  loaded: LoadedKubeconfig,
  chosen: readonly string[] | undefined,
): { contexts: Context[]; unknown: string[] } {
  if (!chosen || chosen.length === 0) return { contexts: loaded.contexts, unknown: [] };
  const byName = new Map(loaded.contexts.map((context) => [context.name, context]));
  const contexts: Context[] = [];
  const unknown: string[] = [];
  for (const name of new Set(chosen)) {
    const context = byName.get(name);
    if (context) contexts.push(context);
    else unknown.push(name);
  }
  return { contexts, unknown };
}

export function describeUnknownContexts(loaded: LoadedKubeconfig, unknown: readonly string[]): string {
  const known = loaded.contexts.map((context) => context.name);
  return `context${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} not found in kubeconfig ${loaded.files.join(', ')} (it has: ${truncate(known.join(', '), 300)}); pick contexts again in Settings`;
}

/**
 * One context as its own KubeConfig, so the client's authenticators (exec, OIDC, token files)
 * and TLS options apply to exactly this context, with a credential cache of its own.
 */
export function kubeConfigForContext(loaded: LoadedKubeconfig, contextName: string, user?: User): KubeConfig {
  const context = loaded.contexts.find((candidate) => candidate.name === contextName);
  if (!context)
    throw new KubeconfigError(describeUnknownContexts(loaded, [contextName]), loaded.files[0] ?? null);
  const cluster = loaded.clusters.find((candidate) => candidate.name === context.cluster);
  if (!cluster) {
    throw new KubeconfigError(
      `context ${contextName} refers to cluster "${context.cluster}", which kubeconfig ${loaded.files.join(', ')} does not define; fix the context or add the cluster`,
      loaded.files[0] ?? null,
    );
  }
  const resolvedUser = user ??
    loaded.users.find((candidate) => candidate.name === context.user) ?? {
      name: context.user ?? `${contextName}-anonymous`,
    };
  if (context.user && !loaded.users.some((candidate) => candidate.name === context.user)) {
    throw new KubeconfigError(
      `context ${contextName} refers to user "${context.user}", which kubeconfig ${loaded.files.join(', ')} does not define; fix the context or add the user`,
      loaded.files[0] ?? null,
    );
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // The client refuses plain-http servers unless insecure-skip-tls-verify is set (it builds an
    // https agent otherwise); kubectl accepts them, and for http the flag has no meaning.
    clusters: [cluster.server.startsWith('http:') ? { ...cluster, skipTLSVerify: true } : cluster],
    users: [resolvedUser],
    contexts: [{ ...context, user: resolvedUser.name }],
    currentContext: contextName,
  });
  return kc;
}

export function userOfContext(loaded: LoadedKubeconfig, contextName: string): User | undefined {
  const context = loaded.contexts.find((candidate) => candidate.name === contextName);
  return context?.user ? loaded.users.find((candidate) => candidate.name === context.user) : undefined;
}

export function clusterOfContext(loaded: LoadedKubeconfig, contextName: string): Cluster | undefined {
  const context = loaded.contexts.find((candidate) => candidate.name === contextName);
  return context ? loaded.clusters.find((candidate) => candidate.name === context.cluster) : undefined;
}

function readOne(file: string, mustExist: boolean): KubeConfig | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !mustExist) return null;
    if (code === 'ENOENT')
      throw new KubeconfigError(
        `kubeconfig ${file} does not exist; create it (e.g. with your cloud CLI's "get credentials" command) or choose another file in Settings`,
        file,
      );
    if (code === 'EACCES' || code === 'EPERM')
      throw new KubeconfigError(
        `kubeconfig ${file} is not readable by this user (${code}); fix its permissions (chmod 600, owned by you)`,
        file,
      );
    if (code === 'EISDIR')
      throw new KubeconfigError(
        `kubeconfig ${file} is a directory, not a file; choose the file inside it`,
        file,
      );
    throw new KubeconfigError(`kubeconfig ${file} could not be read: ${errorMessage(error)}`, file);
  }
  if (text.trim() === '')
    throw new KubeconfigError(`kubeconfig ${file} is empty; choose another file in Settings`, file);
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (error) {
    const yamlMark = (error as { mark?: { line?: number } }).mark;
    const where = yamlMark?.line !== undefined ? ` at line ${yamlMark.line + 1}` : '';
    const what = (error as { name?: string }).name === 'YAMLException' ? 'is not valid YAML' : 'is malformed';
    throw new KubeconfigError(
      `kubeconfig ${file} ${what}${where}: ${truncate(firstLine(errorMessage(error)), 200)}; fix the file (kubectl config view shows what kubectl makes of it) or choose another in Settings`,
      file,
    );
  }
  if (!Array.isArray(kc.getContexts()))
    throw new KubeconfigError(`kubeconfig ${file} is malformed: no contexts list`, file);
  kc.makePathsAbsolute(dirname(file));
  return kc;
}

function mergeFirstWins<T extends { name: string }>(into: T[], from: readonly T[]): void {
  const seen = new Set(into.map((item) => item.name));
  for (const item of from) if (!seen.has(item.name)) into.push(item);
}

const firstLine = (text: string) => text.split('\n')[0] ?? text;
