import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderKubeconfig, writeDemoKubeconfig } from '../../../../src/demo/kube/kubeconfig';
import { freshDir } from '../../../support/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const clusters = [
  {
    name: 'prod-us-east',
    url: 'https://127.0.0.1:40001',
    token: 'tok-1',
    certificateAuthority: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
  },
  { name: 'staging', url: 'https://127.0.0.1:40002', token: 'tok-2' },
];

describe('writeDemoKubeconfig', () => {
  it('writes one cluster, user and context per demo cluster, the first current, mode 0600', async () => {
    const dir = freshDir();
    cleanup = dir.cleanup;
    const path = join(dir.dir, 'demo', 'kubeconfig');
    await writeDemoKubeconfig(path, clusters);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('current-context: "prod-us-east"');
    expect(text).toContain('server: "https://127.0.0.1:40001"');
    expect(text).toContain('token: "tok-2"');
    expect(text).toContain(
      `certificate-authority-data: "${Buffer.from(clusters[0]!.certificateAuthority!).toString('base64')}"`,
    );
    expect(text).toContain('insecure-skip-tls-verify: true'); // staging came without a CA
    expect(readdirSync(join(dir.dir, 'demo'))).toEqual(['kubeconfig']); // no temp file left behind
  });

  it('replaces an existing, more open file with a 0600 one', async () => {
    const dir = freshDir();
    cleanup = dir.cleanup;
    const path = join(dir.dir, 'kubeconfig');
    writeFileSync(path, 'old', { mode: 0o644 });
    await writeDemoKubeconfig(path, clusters);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toBe('old');
  });

  it('quotes every value so names stay strings', () => {
    const text = renderKubeconfig([{ name: 'on', url: 'https://127.0.0.1:1', token: '1.0' }]);
    expect(text).toContain('- name: "on"');
    expect(text).toContain('token: "1.0"');
    expect(() => renderKubeconfig([])).toThrow(/at least one cluster/);
  });
});
