import type { RequestOptions } from 'node:https';
import type { User } from '@kubernetes/client-node';
import { Agent, ProxyAgent, Socks5ProxyAgent, type Dispatcher } from 'undici';
import type { LoadedKubeconfig } from './kubeconfig.loader';
import { clusterOfContext, kubeConfigForContext, userOfContext } from './kubeconfig.loader';
import { KubeAuthError, KubeconfigError, errorMessage, truncate } from './kube-errors';

/**
 * Credentials and a connection pool for one kubeconfig context. The official client
 * (KubeConfig.applyToHTTPSOptions) produces the auth: CA, client certificate and key, bearer
 * token, token files, OIDC and exec credential plugins. The HTTP itself goes through undici
 * (an Agent, or a ProxyAgent / Socks5ProxyAgent for `proxy-url`), which lists and watches much
 * faster than the client's node-fetch path (performance-and-safety.md, "undici's request").
 */
export interface ConnectionOptions {
  /**
   * Reads the kubeconfig again after a 401: token files rotate, and `aws eks update-kubeconfig`
   * and friends rewrite the file. A failed reload keeps what was loaded.
   */
  reload?: () => LoadedKubeconfig;
  /** The environment exec plugins run with: the login shell's (headlamp #266). */
  execEnv?: () => Promise<NodeJS.ProcessEnv>;
  /** An exec plugin that does not answer within this is reported (default 30 s). */
  execTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface ConnectionAuth {
  /** The API server base URL, without a trailing slash. */
  server: string;
  dispatcher: Dispatcher;
  headers: Record<string, string>;
}

type HttpsOptions = RequestOptions & { headers?: Record<string, string | string[] | number> };

export class KubeConnection {
  private current: Promise<ConnectionAuth> | null = null;
  private resolved: ConnectionAuth | null = null;
  private stale = false;
  private closed = false;

  constructor(
    private loaded: LoadedKubeconfig,
    readonly context: string,
    private readonly options: ConnectionOptions = {},
  ) {}

  /** The server URL from the kubeconfig (for reasons, before any credentials exist). */
  get server(): string {
    return clusterOfContext(this.loaded, this.context)?.server ?? '(unknown server)';
  }

  /** Credentials, produced once and reused until invalidate() (a 401, an expired token). */
  auth(): Promise<ConnectionAuth> {
    if (this.closed)
      return Promise.reject(
        new KubeAuthError(`context ${this.context}: the source was stopped`, this.context, false),
      );
    if (!this.current) {
      if (this.stale && this.options.reload) {
        try {
          this.loaded = this.options.reload();
        } catch {
          // Keep the kubeconfig we have; the next request says what is wrong with it.
        }
      }
      this.stale = false;
      const attempt = this.build();
      this.current = attempt;
      attempt.then(
        (auth) => {
          if (this.current === attempt) this.resolved = auth;
          else void auth.dispatcher.close().catch(() => undefined); // invalidated meanwhile
        },
        // A failed attempt is not cached: the next call runs the plugin again (after backoff).
        () => {
          if (this.current === attempt) this.current = null;
        },
      );
    }
    return this.current;
  }

  /**
   * Forgets credentials the server refused (401): the next request reads the kubeconfig again
   * and re-runs exec plugins. Many requests failing with the same credentials refresh them once.
   */
  invalidate(failed: ConnectionAuth): void {
    if (this.resolved !== failed) return;
    this.current = null;
    this.resolved = null;
    this.stale = true;
    // Graceful: watches still open on the old pool finish there, then it closes.
    void failed.dispatcher.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = null;
    this.resolved = null;
    const auth = current ? await current.catch(() => null) : null;
    await auth?.dispatcher.destroy().catch(() => undefined);
  }

  private async build(): Promise<ConnectionAuth> {
    const cluster = clusterOfContext(this.loaded, this.context);
    if (!cluster)
      throw new KubeconfigError(
        `context ${this.context} is not in the kubeconfig any more`,
        this.loaded.files[0] ?? null,
      );
    const user = userOfContext(this.loaded, this.context);
    const execUser = user?.exec ? await this.withExecEnvironment(user, cluster.server) : user;
    const kc = kubeConfigForContext(this.loaded, this.context, execUser);
    const opts: HttpsOptions = {};
    try {
      await withTimeout(
        kc.applyToHTTPSOptions(opts),
        user?.exec ? (this.options.execTimeoutMs ?? 30_000) : 60_000,
        () => this.execFailure(user, 'timeout', null),
      );
    } catch (error) {
      if (error instanceof KubeAuthError) throw error;
      if (user?.exec) throw this.execFailure(user, 'error', error);
      throw new KubeAuthError(
        `context ${this.context}: credentials for user "${user?.name ?? '(none)'}" could not be prepared: ${truncate(errorMessage(error), 240)}; check the certificate, key and token files the kubeconfig names`,
        this.context,
        false,
      );
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(opts.headers ?? {})) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;

    const tls = {
      ca: opts.ca as string | Buffer | undefined,
      cert: opts.cert as string | Buffer | undefined,
      key: opts.key as string | Buffer | undefined,
      servername: opts.servername || undefined,
      ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
      timeout: this.options.connectTimeoutMs ?? 10_000,
    };
    let dispatcher: Dispatcher;
    const proxy = cluster.proxyUrl;
    if (proxy && /^socks5?h?:/i.test(proxy)) {
      // undici's SOCKS5 agent takes the target's TLS settings as requestTls (not in its typings).
      dispatcher = new Socks5ProxyAgent(proxy.replace(/^socks5?h?:/i, 'socks5:'), {
        requestTls: tls,
      } as Socks5ProxyAgent.Options);
    } else if (proxy) {
      dispatcher = new ProxyAgent({ uri: proxy, requestTls: tls });
    } else {
      dispatcher = new Agent({ connect: tls, keepAliveTimeout: 30_000 });
    }
    return { server: cluster.server.replace(/\/+$/, ''), dispatcher, headers };
  }

  /**
   * The client spawns exec plugins with process.env plus the plugin's `env` entries. We put the
   * login shell's environment in front of those entries (the kubeconfig's own still win), so a
   * bare `aws` or `gke-gcloud-auth-plugin` resolves on the shell's PATH (spawn looks commands up
   * in the PATH of the env it is given), and set KUBERNETES_EXEC_INFO as kubectl does.
   */
  private async withExecEnvironment(user: User, server: string): Promise<User> {
    const exec = user.exec as ExecConfig;
    const loginEnv = this.options.execEnv ? await this.options.execEnv() : process.env;
    const injected: Array<{ name: string; value: string }> = [];
    for (const [name, value] of Object.entries(loginEnv)) {
      if (value !== undefined && process.env[name] !== value) injected.push({ name, value });
    }
    const cluster = clusterOfContext(this.loaded, this.context);
    const execInfo = {
      apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        ...(exec.provideClusterInfo && cluster
          ? {
              cluster: {
                server,
                'certificate-authority-data': cluster.caData,
                'insecure-skip-tls-verify': cluster.skipTLSVerify || undefined,
                'tls-server-name': cluster.tlsServerName,
                'proxy-url': cluster.proxyUrl,
              },
            }
          : {}),
      },
    };
    injected.push({ name: 'KUBERNETES_EXEC_INFO', value: JSON.stringify(execInfo) });
    return { ...user, exec: { ...exec, env: [...injected, ...(exec.env ?? [])] } };
  }

  private execFailure(user: User | undefined, kind: 'error' | 'timeout', error: unknown): KubeAuthError {
    const exec = (user?.exec ?? {}) as ExecConfig;
    const command = [exec.command ?? '(no command)', ...(exec.args ?? [])].join(' ');
    const hint = exec.installHint ? ` (${truncate(exec.installHint.trim().replace(/\s+/g, ' '), 200)})` : '';
    const where = `context ${this.context}: exec credential plugin "${truncate(command, 120)}" (user "${user?.name}")`;
    if (kind === 'timeout')
      return new KubeAuthError(
        `${where} did not answer within ${Math.round((this.options.execTimeoutMs ?? 30_000) / 1000)} s; run it in a terminal to see whether it waits for a login or a prompt`,
        this.context,
        true,
      );
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT')
      return new KubeAuthError(
        `${where} was not found: "${exec.command}" is not installed or not on the login shell's PATH; install it${hint} or put its absolute path in the kubeconfig's exec.command`,
        this.context,
        true,
      );
    if (code === 'EACCES')
      return new KubeAuthError(
        `${where} is not executable (EACCES); chmod +x it or fix exec.command`,
        this.context,
        true,
      );
    if (error instanceof SyntaxError)
      return new KubeAuthError(
        `${where} printed something that is not an ExecCredential JSON (${truncate(error.message, 120)}); run it in a terminal to see its output`,
        this.context,
        true,
      );
    const stderr = errorMessage(error).trim();
    return new KubeAuthError(
      `${where} failed${stderr ? `: ${truncate(stderr.split('\n').filter(Boolean).slice(-2).join(' / '), 300)}` : ' with no output'}; run it in a terminal to see why (often an expired login: sign in with the cloud CLI again)`,
      this.context,
      true,
    );
  }
}

interface ExecConfig {
  command?: string;
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
