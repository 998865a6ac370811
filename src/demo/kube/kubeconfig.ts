import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The demo's kubeconfig (`<data-dir>/demo/kubeconfig`): one cluster, user and context per demo
 * cluster, context names equal to cluster names, current-context the first. It holds bearer
 * tokens, so it is created 0600 from the first byte (a temp file opened with mode 0600, then
 * renamed over the target) and never world-readable even for an instant.
 */
export interface DemoKubeconfigCluster {
  name: string;
  url: string;
  token: string;
  /** PEM the server's certificate chains to (KubeApiServer.certificateAuthority). */
  certificateAuthority?: string;
}

/** JSON strings are valid YAML scalars: quoting every value keeps names like `on` or `1.0` strings. */
const q = (value: string) => JSON.stringify(value);

export function renderKubeconfig(clusters: readonly DemoKubeconfigCluster[]): string {
  if (clusters.length === 0) throw new Error('writeDemoKubeconfig: at least one cluster is needed');
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'preferences: {}',
    `current-context: ${q(clusters[0]!.name)}`,
    'clusters:',
  ];
  for (const cluster of clusters) {
    lines.push(`- name: ${q(cluster.name)}`, '  cluster:', `    server: ${q(cluster.url)}`);
    if (cluster.certificateAuthority) {
      lines.push(
        `    certificate-authority-data: ${q(Buffer.from(cluster.certificateAuthority).toString('base64'))}`,
      );
    } else if (cluster.url.startsWith('https:')) {
      lines.push('    insecure-skip-tls-verify: true');
    }
  }
  lines.push('users:');
  for (const cluster of clusters) {
    lines.push(`- name: ${q(`${cluster.name}-admin`)}`, '  user:', `    token: ${q(cluster.token)}`);
  }
  lines.push('contexts:');
  for (const cluster of clusters) {
    lines.push(
      `- name: ${q(cluster.name)}`,
      '  context:',
      `    cluster: ${q(cluster.name)}`,
      `    user: ${q(`${cluster.name}-admin`)}`,
      '    namespace: "default"',
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function writeDemoKubeconfig(
  path: string,
  clusters: readonly DemoKubeconfigCluster[],
): Promise<void> {
  const text = renderKubeconfig(clusters);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.kubeconfig.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.chmod(0o600); // the umask cannot widen it, but a pre-set ACL default could
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
}
