import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubernetesProvider } from '../../../../../src/core/providers/kubernetes/kubernetes.provider';
import { freshDir } from '../../../../support/tmp';
import { FixtureApi } from './support/fixture-api';
import { startProvider, type RecordingContext } from './support/harness';
import { seedSmallFleet } from './support/small-fleet';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
function makePki(dir: string): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=fleetdeck-test-ca',
    '-days',
    '2',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [
    ['server', '127.0.0.1'],
    ['client', 'fleetdeck-operator'],
  ] as const) {
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  }
}

describe.skipIf(!hasOpenssl)('client certificates and a private CA', () => {
  let api: FixtureApi;
  let tmp: { dir: string; cleanup(): void };
  let provider: KubernetesProvider | undefined;
  let ctx: RecordingContext;

  beforeEach(async () => {
    tmp = freshDir('fleetdeck-k8s-pki-');
    makePki(tmp.dir);
    const read = (file: string) => readFileSync(join(tmp.dir, file), 'utf8');
    api = await new FixtureApi().start(0, {
      key: read('server.key'),
      cert: read('server.crt'),
      ca: read('ca.crt'),
    });
    seedSmallFleet(api);
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await api.close();
    tmp.cleanup();
  });

  function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown>): string {
    const path = join(tmp.dir, 'config');
    // Relative paths are relative to the kubeconfig's directory, as kubectl reads them.
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'tls',
        clusters: [{ name: 'tls', cluster: { server: api.url, ...cluster } }],
        users: [{ name: 'operator', user }],
        contexts: [{ name: 'tls', context: { cluster: 'tls', user: 'operator' } }],
      }),
      { mode: 0o600 },
    );
    return path;
  }

  it('presents the client certificate and trusts the cluster CA from files named in the kubeconfig', async () => {
    const path = kubeconfig(
      { 'client-certificate': 'client.crt', 'client-key': 'client.key' },
      { 'certificate-authority': 'ca.crt' },
    );
    ({ provider, ctx } = startProvider({ kubeconfigPath: path }));
    await ctx.until(() => ctx.status?.state === 'ok' && ctx.endpoints.size === 7, 'ok over mutual TLS');
    expect(new Set(api.clientCertificates)).toEqual(new Set(['fleetdeck-operator']));
  });

  it('accepts the same material inline (*-data) and says why when the CA does not match', async () => {
    const b64 = (file: string) => readFileSync(join(tmp.dir, file)).toString('base64');
    const path = kubeconfig(
      { 'client-certificate-data': b64('client.crt'), 'client-key-data': b64('client.key') },
      { 'certificate-authority-data': b64('ca.crt') },
    );
    ({ provider, ctx } = startProvider({ kubeconfigPath: path }));
    await ctx.until(() => ctx.status?.state === 'ok', 'ok with inline data');
    await provider.stop();

    // A kubeconfig that trusts some other CA: a TLS reason, not a generic network error.
    const wrong = kubeconfig(
      { token: 't' },
      {
        'certificate-authority-data': Buffer.from(readFileSync(join(tmp.dir, 'client.crt'))).toString(
          'base64',
        ),
      },
    );
    ({ provider, ctx } = startProvider({ kubeconfigPath: wrong }));
    await ctx.until(() => ctx.status?.state === 'error', 'a TLS error');
    expect(ctx.status!.reason).toMatch(
      /^context tls: TLS to https:\/\/127\.0\.0\.1:\d+ failed \([A-Z_]+\); the server's certificate does not match the kubeconfig's certificate-authority or tls-server-name/,
    );
  });
});
