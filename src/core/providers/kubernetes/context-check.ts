import { KubeApiClient, type KubeClientTimeouts } from './kube-api.client';
import { KubeConnection, type ConnectionOptions } from './kube-connection';
import { KubeRequestError } from './kube-errors';
import type { LoadedKubeconfig } from './kubeconfig.loader';
import { reasonOf } from './resource-reflector';

/**
 * sources.test for one context, without starting anything: credentials can be produced, the
 * server answers /version, and this user may list pods and deployments (where the source will
 * look). A SelfSubjectAccessReview would say the same less directly; a real list is the proof.
 */
export interface ContextCheck {
  context: string;
  ok: boolean;
  /** One line: what worked, or what failed and what to do. */
  line: string;
}

export async function checkContext(
  loaded: LoadedKubeconfig,
  context: string,
  namespaces: readonly string[] | undefined,
  connection: ConnectionOptions,
  timeouts: KubeClientTimeouts,
): Promise<ContextCheck> {
  const conn = new KubeConnection(loaded, context, connection);
  const client = new KubeApiClient(conn, timeouts);
  const namespace = namespaces?.[0];
  const inNamespace = (base: string, resource: string) =>
    namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${base}/${resource}`;
  try {
    const version = await client.getJson<{ gitVersion?: string }>(
      '/version',
      {},
      { context, verb: 'get', resource: '/version', namespaced: false },
    );
    for (const [base, resource, name] of [
      ['/api/v1', 'pods', 'pods'],
      ['/apis/apps/v1', 'deployments', 'deployments.apps'],
    ] as const) {
      await client.getJson(
        inNamespace(base, resource),
        { limit: 1 },
        { context, verb: 'list', resource: name, namespace },
      );
    }
    let kserve = 'no KServe InferenceServices (not installed; that is fine)';
    try {
      await client.getJson(
        '/apis/serving.kserve.io/v1beta1',
        {},
        { context, verb: 'get', resource: 'API discovery serving.kserve.io', namespaced: false },
      );
      kserve = 'KServe InferenceServices served';
    } catch (error) {
      if (!(error instanceof KubeRequestError && error.status === 404)) throw error;
    }
    const where = namespace ? `in namespace ${namespace}` : 'in all namespaces';
    return {
      context,
      ok: true,
      line: `${context}: reachable at ${conn.server} (Kubernetes ${version.gitVersion ?? 'version unknown'}); can list pods and deployments ${where}; ${kserve}`,
    };
  } catch (error) {
    return { context, ok: false, line: reasonOf(error) };
  } finally {
    await conn.close();
  }
}
