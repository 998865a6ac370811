import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubernetesProvider } from '../../../../../src/core/providers/kubernetes/kubernetes.provider';
import {
  kubeconfigFiles,
  listKubeconfigContexts,
  loadKubeconfig,
} from '../../../../../src/core/providers/kubernetes/kubeconfig.loader';
import { freshDir } from '../../../../support/tmp';
import { FixtureApi } from './support/fixture-api';
import { startProvider, writeKubeconfig, writeScript, type RecordingContext } from './support/harness';
import { seedSmallFleet } from './support/small-fleet';

describe('kubeconfig loading', () => {
  let tmp: { dir: string; cleanup(): void };
  beforeEach(() => (tmp = freshDir('fleetdeck-kubeconfig-')));
  afterEach(() => tmp.cleanup());

  it('reads KUBECONFIG as a path list (":" here, ";" on Windows), skipping absent files, first definition wins', () => {
    const a = writeKubeconfig(tmp.dir, 'a', [
      { name: 'shared', server: 'https://a.example:6443', token: 'a' },
      { name: 'only-a', server: 'https://a2.example:6443' },
    ]);
    const b = writeKubeconfig(
      tmp.dir,
      'b',
      [
        { name: 'shared', server: 'https://b.example:6443', token: 'b' },
        { name: 'only-b', server: 'https://b2.example:6443' },
      ],
      'only-b',
    );
    const missing = join(tmp.dir, 'missing');
    const env = { KUBECONFIG: [a, missing, b].join(':') };
    const loaded = loadKubeconfig({ env, platform: 'linux' });
    expect(loaded.files).toEqual([a, b]);
    expect(loaded.skipped).toEqual([missing]);
    expect(loaded.contexts.map((c) => c.name)).toEqual(['shared', 'only-a', 'only-b']);
    expect(loaded.clusters.find((c) => c.name === 'shared-cluster')!.server).toBe('https://a.example:6443');
    expect(loaded.currentContext).toBe('shared');
    expect(kubeconfigFiles({ env: { KUBECONFIG: 'C:\\k\\a;C:\\k\\b' }, platform: 'win32' }).files).toEqual([
      'C:\\k\\a',
      'C:\\k\\b',
    ]);
    expect(kubeconfigFiles({ env: {}, home: '/home/u' }).files).toEqual(['/home/u/.kube/config']);
    expect(kubeconfigFiles({ path: '/x', env: { KUBECONFIG: a } }).files).toEqual(['/x']);
  });

  it('lists contexts for Settings, with their servers and the current one', () => {
    const file = writeKubeconfig(
      tmp.dir,
      'config',
      [
        { name: 'prod', server: 'https://prod.example:6443', token: 't', namespace: 'llm' },
        { name: 'staging', server: 'https://staging.example:6443', token: 't' },
      ],
      'staging',
    );
    expect(listKubeconfigContexts(file)).toEqual({
      files: [file],
      currentContext: 'staging',
      contexts: [
        {
          name: 'prod',
          cluster: 'prod-cluster',
          user: 'prod-user',
          namespace: 'llm',
          server: 'https://prod.example:6443',
          current: false,
        },
        {
          name: 'staging',
          cluster: 'staging-cluster',
          user: 'staging-user',
          namespace: null,
          server: 'https://staging.example:6443',
          current: true,
        },
      ],
    });
  });

  it.each([
    [
      'missing',
      null,
      /^kubeconfig .*\/nope does not exist; create it .* or choose another file in Settings$/,
    ],
    ['empty', '   \n', /^kubeconfig .*\/empty is empty; choose another file in Settings$/],
    [
      'not YAML',
      'apiVersion: v1\nclusters: [\n  - name: x\n   bad: indent',
      /^kubeconfig .*\/bad is not valid YAML at line \d+: .*; fix the file \(kubectl config view shows what kubectl makes of it\) or choose another in Settings$/,
    ],
    [
      'malformed entries',
      'apiVersion: v1\nclusters:\n- name: c\n  cluster: {}\ncontexts: []\n',
      /^kubeconfig .*\/entries is malformed: clusters\[0\]\.cluster\.server is missing; fix the file/,
    ],
    ['no contexts', 'apiVersion: v1\nkind: Config\n', /defines no contexts; add one/],
  ])('explains a %s kubeconfig', (_what, content, reason) => {
    const name = {
      missing: 'nope',
      empty: 'empty',
      'not YAML': 'bad',
      'malformed entries': 'entries',
      'no contexts': 'none',
    }[_what]!;
    const path = join(tmp.dir, name);
    if (content !== null) writeFileSync(path, content);
    expect(() => loadKubeconfig({ path })).toThrow(reason);
  });
});

describe('kubeconfig and credentials in the running source', () => {
  let api: FixtureApi;
  let tmp: { dir: string; cleanup(): void };
  let provider: KubernetesProvider | undefined;
  let ctx: RecordingContext;

  beforeEach(async () => {
    api = await new FixtureApi().start();
    seedSmallFleet(api);
    tmp = freshDir('fleetdeck-k8s-auth-');
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await api.close();
    tmp.cleanup();
  });

  function start(...args: Parameters<typeof startProvider>) {
    ({ provider, ctx } = startProvider(...args));
    return ctx;
  }

  it('a malformed kubeconfig: error status naming the file, retried until it is fixed', async () => {
    const path = join(tmp.dir, 'config');
    writeFileSync(path, 'clusters: [oops');
    start({ kubeconfigPath: path });
    await ctx.until(() => ctx.status?.state === 'error', 'error');
    expect(ctx.status!.reason).toMatch(
      new RegExp(`^kubeconfig ${path} is not valid YAML at line \\d+: .*; fix the file`),
    );
    expect(ctx.status!.retryAt).toBeGreaterThan(Date.now());
    expect(ctx.reports).toHaveLength(0);
    writeKubeconfig(tmp.dir, 'config', [{ name: 'prod', server: api.url, token: 't' }]);
    await ctx.until(() => ctx.status?.state === 'ok' && ctx.endpoints.size === 7, 'the fixed file picked up');
  });

  it('a missing kubeconfig: error status saying where it looked and what to do', async () => {
    start({ kubeconfigPath: join(tmp.dir, 'nope') });
    await ctx.until(() => ctx.status?.state === 'error', 'error');
    expect(ctx.status!.reason).toContain(`kubeconfig ${join(tmp.dir, 'nope')} does not exist`);
  });

  it('an unknown context: degraded, naming it and the contexts that exist; the others work', async () => {
    const path = writeKubeconfig(tmp.dir, 'config', [
      { name: 'prod', server: api.url, token: 't' },
      { name: 'dev', server: api.url, token: 't' },
    ]);
    start({ kubeconfigPath: path, contexts: ['prod', 'gone'] });
    await ctx.until(() => ctx.status?.state === 'degraded' && ctx.endpoints.size === 7, 'degraded with prod');
    expect(ctx.status!.reason).toBe(
      `context gone not found in kubeconfig ${path} (it has: prod, dev); pick contexts again in Settings`,
    );
  });

  it('an exec plugin that is not installed: names the command, the context and the install hint', async () => {
    const path = writeKubeconfig(tmp.dir, 'config', [
      {
        name: 'eks',
        server: api.url,
        exec: {
          command: 'fleetdeck-no-such-plugin',
          args: ['token'],
          installHint: 'Install it with: brew install fleetdeck-auth',
        },
      },
    ]);
    start({ kubeconfigPath: path });
    await ctx.until(() => ctx.status?.state === 'error', 'error');
    expect(ctx.status!.reason).toBe(
      'context eks: exec credential plugin "fleetdeck-no-such-plugin token" (user "eks-user") was not found: "fleetdeck-no-such-plugin" is not installed or not on the login shell\'s PATH; install it (Install it with: brew install fleetdeck-auth) or put its absolute path in the kubeconfig\'s exec.command',
    );
    expect(api.requests.filter((r) => r.path !== '/version')).toHaveLength(0);
  });

  it('an exec plugin that exits 1: its stderr in the reason', async () => {
    const plugin = writeScript(
      tmp.dir,
      'failing-plugin',
      'echo "error: the SSO session has expired; run aws sso login" >&2\nexit 1',
    );
    const path = writeKubeconfig(tmp.dir, 'config', [
      { name: 'eks', server: api.url, exec: { command: plugin } },
    ]);
    start({ kubeconfigPath: path });
    await ctx.until(() => ctx.status?.state === 'error', 'error');
    expect(ctx.status!.reason).toBe(
      `context eks: exec credential plugin "${plugin}" (user "eks-user") failed: error: the SSO session has expired; run aws sso login; run it in a terminal to see why (often an expired login: sign in with the cloud CLI again)`,
    );
  });

  it('an exec plugin that prints garbage: says so', async () => {
    const plugin = writeScript(
      tmp.dir,
      'chatty-plugin',
      'echo "Please visit https://login.example to sign in"',
    );
    const path = writeKubeconfig(tmp.dir, 'config', [
      { name: 'eks', server: api.url, exec: { command: plugin } },
    ]);
    start({ kubeconfigPath: path });
    await ctx.until(() => ctx.status?.state === 'error', 'error');
    expect(ctx.status!.reason).toContain('printed something that is not an ExecCredential JSON');
  });

  it('runs exec plugins with the login shell PATH and KUBERNETES_EXEC_INFO, and again after a 401', async () => {
    const bin = join(tmp.dir, 'login-bin');
    mkdirSync(bin);
    const tokenFile = join(tmp.dir, 'token');
    const infoFile = join(tmp.dir, 'exec-info');
    const runsFile = join(tmp.dir, 'runs');
    writeFileSync(tokenFile, 'first-token');
    // Found only through the PATH the "login shell" provides, never the process's own.
    writeScript(
      bin,
      'fleetdeck-test-auth',
      `echo run >> '${runsFile}'\nprintf '%s' "$KUBERNETES_EXEC_INFO" > '${infoFile}'\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat '${tokenFile}')"`,
    );
    api.token = 'first-token';
    const path = writeKubeconfig(tmp.dir, 'config', [
      { name: 'eks', server: api.url, exec: { command: 'fleetdeck-test-auth', args: ['--cluster', 'prod'] } },
    ]);
    start(
      { kubeconfigPath: path },
      { execEnv: async () => ({ ...process.env, PATH: `${bin}:${process.env.PATH}` }) },
    );
    await ctx.until(() => ctx.status?.state === 'ok' && ctx.endpoints.size === 7, 'ok with the plugin token');
    expect(JSON.parse(readFileSync(infoFile, 'utf8'))).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false },
    });
    const runs = () => readFileSync(runsFile, 'utf8').trim().split('\n').length;
    // Discovery and seven reflectors started together: one plugin run between them.
    expect(runs()).toBe(1);
    // The token rotates: the server starts refusing the old one; the plugin is run again.
    writeFileSync(tokenFile, 'second-token');
    api.token = 'second-token';
    api.dropWatches();
    await ctx.until(
      () => api.requests.some((r) => r.authorization === 'Bearer second-token' && r.watch),
      'the new token in use',
    );
    await ctx.until(() => ctx.status?.state === 'ok', 'ok again');
    // Every watch got the 401 at once; the credentials were refreshed once, not per request.
    expect(runs()).toBe(2);
  });

  it('sends everything through proxy-url (HTTP CONNECT)', async () => {
    const tunnels: string[] = [];
    const sockets = new Set<Socket>();
    const proxy: Server = createServer();
    proxy.on('connect', (req, client: Socket) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream).add(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const path = writeKubeconfig(tmp.dir, 'config', [
        { name: 'prod', server: api.url, token: 't', proxyUrl },
      ]);
      start({ kubeconfigPath: path });
      await ctx.until(() => ctx.status?.state === 'ok' && ctx.endpoints.size === 7, 'ok through the proxy');
      expect(tunnels.length).toBeGreaterThan(0);
      expect(new Set(tunnels)).toEqual(new Set([new URL(api.url).host]));
    } finally {
      await provider?.stop();
      provider = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
