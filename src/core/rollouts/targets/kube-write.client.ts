import { request } from 'undici';
import { FleetError } from '../../../shared/errors/fleet-error';
import type { RawKubeObject } from '../../providers/kubernetes/kube-api.client';
import type { KubeConnection } from '../../providers/kubernetes/kube-connection';
import { errorMessage, truncate } from '../../providers/kubernetes/kube-errors';

/**
 * The few Kubernetes calls a traffic target makes: get, list by label, a JSON merge patch and the
 * `scale` subresource. The Kubernetes source's client only reads (lists and watches); this one
 * writes, over the same connection (kubeconfig context, credentials, proxy) the source builds.
 * Every failure becomes a FleetError naming the verb, the object and the context.
 */
export interface KubeObjectRef {
  /** `/apis/apps/v1`, `/api/v1`, `/apis/serving.kserve.io/v1beta1` */
  api: string;
  /** Plural resource: `deployments`, `services`, `inferenceservices`. */
  resource: string;
  namespace: string;
  name: string;
}

export const deploymentRef = (namespace: string, name: string): KubeObjectRef => ({
  api: '/apis/apps/v1',
  resource: 'deployments',
  namespace,
  name,
});
export const serviceRef = (namespace: string, name: string): KubeObjectRef => ({
  api: '/api/v1',
  resource: 'services',
  namespace,
  name,
});
export const inferenceServiceRef = (namespace: string, name: string): KubeObjectRef => ({
  api: '/apis/serving.kserve.io/v1beta1',
  resource: 'inferenceservices',
  namespace,
  name,
});

export interface KubeObject extends RawKubeObject {
  metadata: NonNullable<RawKubeObject['metadata']> & { name: string; generation?: number };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const objectPath = (ref: KubeObjectRef, sub = '') =>
  `${ref.api}/namespaces/${encodeURIComponent(ref.namespace)}/${ref.resource}/${encodeURIComponent(ref.name)}${sub}`;

export class KubeWriteClient {
  private connection: KubeConnection;

  /**
   * `connect` builds the connection from the kubeconfig as it is now. It runs again after a
   * transport failure: a restarted cluster (the demo fleet after a console restart) may listen
   * on a new port with a new token, written to the same kubeconfig.
   */
  constructor(
    readonly context: string,
    private readonly connect: () => KubeConnection,
    private readonly timeoutMs = 15_000,
  ) {
    this.connection = connect();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /** The object, or null when it does not exist (404). */
  async get(ref: KubeObjectRef): Promise<KubeObject | null> {
    return this.send<KubeObject>('GET', objectPath(ref), ref, 'get');
  }

  async list(
    api: string,
    resource: string,
    namespace: string,
    labelSelector?: string,
  ): Promise<KubeObject[]> {
    const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const path = `${api}/namespaces/${encodeURIComponent(namespace)}/${resource}${query}`;
    const list = await this.send<{ items?: KubeObject[] }>(
      'GET',
      path,
      { api, resource, namespace, name: '' },
      'list',
    );
    return list?.items ?? [];
  }

  /** RFC 7386 merge patch (null removes a field). Null when the object is gone. */
  async mergePatch(ref: KubeObjectRef, patch: unknown): Promise<KubeObject | null> {
    return this.send<KubeObject>('PATCH', objectPath(ref), ref, 'patch', patch);
  }

  /** Sets spec.replicas through the scale subresource (what `kubectl scale` does). */
  async scale(ref: KubeObjectRef, replicas: number): Promise<boolean> {
    const result = await this.send('PATCH', objectPath(ref, '/scale'), ref, 'scale', {
      spec: { replicas },
    });
    return result !== null;
  }

  /** A fresh connection from the kubeconfig as it is now; false when it cannot be read. */
  private reconnect(): boolean {
    let next: KubeConnection;
    try {
      next = this.connect();
    } catch {
      return false;
    }
    const old = this.connection;
    this.connection = next;
    void old.close();
    return true;
  }

  private async send<T>(
    method: 'GET' | 'PATCH',
    path: string,
    ref: KubeObjectRef,
    verb: string,
    body?: unknown,
  ): Promise<T | null> {
    const what = ref.name ? `${ref.resource}/${ref.name}` : ref.resource;
    const where = `context ${this.context}, namespace ${ref.namespace}`;
    for (let attempt = 0; ; attempt += 1) {
      const connection = this.connection;
      const auth = await connection.auth().catch((error: unknown) => {
        throw new FleetError({
          code: 'unavailable',
          message: `Cannot ${verb} ${what}: ${errorMessage(error)}`,
          where,
          hint: 'Check the kubeconfig and credentials of this context (Settings > Sources).',
        });
      });
      let response;
      try {
        response = await request(`${auth.server}${path}`, {
          method,
          dispatcher: auth.dispatcher,
          headers: {
            ...auth.headers,
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': 'application/merge-patch+json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
      } catch (error) {
        // Requests in flight together fail together: the first one reconnects, the rest retry on it.
        if (attempt === 0 && (this.connection !== connection || this.reconnect())) continue;
        throw new FleetError({
          code: 'unavailable',
          message: `Cannot ${verb} ${what}: the API server at ${connection.server} did not answer (${truncate(errorMessage(error), 200)})`,
          where,
          hint: 'Check the network, VPN or proxy to this cluster, then resume the rollout.',
        });
      }
      const text = await response.body.text();
      const status = response.statusCode;
      if (status < 400) return JSON.parse(text) as T;
      if (status === 404 && ref.name) return null;
      if (status === 401 && attempt === 0) {
        connection.invalidate(auth);
        continue;
      }
      throw httpFailure(status, text, verb, what, where);
    }
  }
}

function httpFailure(status: number, text: string, verb: string, what: string, where: string): FleetError {
  let serverMessage = '';
  try {
    serverMessage = String((JSON.parse(text) as { message?: string }).message ?? '');
  } catch {
    serverMessage = text.trim();
  }
  const quoted = serverMessage ? ` (server: "${truncate(serverMessage, 240)}")` : '';
  if (status === 401 || status === 403) {
    return new FleetError({
      code: 'forbidden',
      message: `${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}: cannot ${verb} ${what}${quoted}`,
      where,
      hint: `The rollout needs RBAC "get", "list" and "patch" on ${what.split('/')[0]} (and deployments/scale) in this namespace.`,
    });
  }
  if (status === 409 || status === 422) {
    return new FleetError({
      code: 'conflict',
      message: `The API server refused to ${verb} ${what}${quoted}`,
      where,
      hint: 'Someone changed the object meanwhile or it is invalid; look at it with kubectl, then resume or abort.',
    });
  }
  return new FleetError({
    code: 'unavailable',
    message: `HTTP ${status} on ${verb} ${what}${quoted}`,
    where,
    hint: 'The API server is failing; resume the rollout once it answers again.',
  });
}
