import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/**
 * A tiny Kubernetes API server for unit tests: discovery, paginated lists, watches with a
 * bounded history (410 for anything older), bearer-token auth, and fault injection per request.
 * Just enough of the protocol to drive every failure the provider must survive.
 */
export interface FixtureObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ResourceDef {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
  kind: string;
}

export const resources: Record<string, ResourceDef> = {
  pods: { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' },
  nodes: { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' },
  services: { group: '', version: 'v1', resource: 'services', namespaced: true, kind: 'Service' },
  events: { group: '', version: 'v1', resource: 'events', namespaced: true, kind: 'Event' },
  deployments: {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    namespaced: true,
    kind: 'Deployment',
  },
  statefulsets: {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    namespaced: true,
    kind: 'StatefulSet',
  },
  inferenceservices: {
    group: 'serving.kserve.io',
    version: 'v1beta1',
    resource: 'inferenceservices',
    namespaced: true,
    kind: 'InferenceService',
  },
};

export type Fault =
  | { status: number; message?: string; headers?: Record<string, string>; reason?: string }
  | { hang: true }
  | { cutMidEvent: string }
  | { watchError: { code: number; reason: string; message: string } };

interface FaultRule {
  match: (req: RequestInfo) => boolean;
  fault: Fault;
  remaining: number;
}

export interface RequestInfo {
  method: string;
  path: string;
  query: URLSearchParams;
  watch: boolean;
  resource: string | null;
  namespace: string | null;
  authorization: string | undefined;
}

interface HistoryEntry {
  rv: number;
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: FixtureObject;
}

interface OpenWatch {
  resource: string;
  namespace: string | null;
  res: ServerResponse;
}

export class FixtureApi {
  private server: Server | null = null;
  url = '';
  private rv = 1;
  private readonly stores = new Map<string, Map<string, FixtureObject>>();
  private history: HistoryEntry[] = [];
  /** Oldest resourceVersion a watch may start from; older ones get 410. */
  private oldestRv = 0;
  private readonly watches = new Set<OpenWatch>();
  private readonly faults: FaultRule[] = [];
  readonly requests: RequestInfo[] = [];
  token: string | null = null;
  kserve = true;
  statefulsets = true;

  /** Client certificate subjects (CN) seen on TLS connections. */
  readonly clientCertificates: string[] = [];

  /**
   * Listens on `port` (0: a free one; the old port to come back after close(), state intact).
   * With `tls`, serves https and asks for client certificates signed by `tls.ca`.
   */
  async start(port = 0, tls?: { key: string; cert: string; ca: string }): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.server = tls
      ? createHttpsServer(
          { key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false },
          handler,
        )
      : createServer(handler);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.tls = Boolean(tls);
    return this;
  }

  private tls = false;

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async close(): Promise<void> {
    for (const watch of this.watches) watch.res.destroy();
    this.watches.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  // ---- state ----

  put(resource: string, object: FixtureObject): FixtureObject {
    const store = this.store(resource);
    const key = keyOf(object);
    const type = store.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.rv);
    store.set(key, stored);
    this.emit({ rv: this.rv, resource, type, object: stored });
    return stored;
  }

  remove(resource: string, namespace: string | undefined, name: string): void {
    const store = this.store(resource);
    const key = namespace ? `${namespace}/${name}` : name;
    const object = store.get(key);
    if (!object) return;
    store.delete(key);
    const gone = structuredClone(object);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ rv: this.rv, resource, type: 'DELETED', object: gone });
  }

  get(resource: string, namespace: string | undefined, name: string): FixtureObject | undefined {
    return this.store(resource).get(namespace ? `${namespace}/${name}` : name);
  }

  /** Forget the watch history: any watch resuming from before now gets 410 Gone. */
  compact(): void {
    this.history = [];
    this.oldestRv = this.rv;
  }

  /** Fail matching requests `times` times (Infinity: until cleared). */
  fail(
    match: Partial<Pick<RequestInfo, 'resource' | 'watch' | 'namespace'>> & { path?: string },
    fault: Fault,
    times = 1,
  ): void {
    this.faults.push({
      remaining: times,
      fault,
      match: (req) =>
        (match.resource === undefined || match.resource === req.resource) &&
        (match.watch === undefined || match.watch === req.watch) &&
        (match.namespace === undefined || match.namespace === req.namespace) &&
        (match.path === undefined || match.path === req.path),
    });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Drop every open watch connection (a network cut between events). */
  dropWatches(): void {
    for (const watch of this.watches) watch.res.destroy();
    this.watches.clear();
  }

  openWatches(resource?: string): number {
    return [...this.watches].filter((w) => resource === undefined || w.resource === resource).length;
  }

  lists(resource: string): RequestInfo[] {
    return this.requests.filter((r) => r.resource === resource && !r.watch && r.method === 'GET');
  }

  // ---- HTTP ----

  private store(resource: string): Map<string, FixtureObject> {
    let store = this.stores.get(resource);
    if (!store) this.stores.set(resource, (store = new Map()));
    return store;
  }

  private emit(entry: HistoryEntry): void {
    this.history.push(entry);
    if (this.history.length > 10_000) this.history.shift();
    for (const watch of this.watches) {
      if (watch.resource !== entry.resource) continue;
      if (watch.namespace && entry.object.metadata.namespace !== watch.namespace) continue;
      watch.res.write(`${JSON.stringify({ type: entry.type, object: entry.object })}\n`);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const route = this.route(url.pathname);
    const info: RequestInfo = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      watch: url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true',
      resource: route?.resource ?? null,
      namespace: route?.namespace ?? null,
      authorization: req.headers.authorization,
    };
    this.requests.push(info);
    if (this.tls) {
      const socket = req.socket as TLSSocket;
      const cn = socket.authorized ? socket.getPeerCertificate()?.subject?.CN : undefined;
      if (cn) this.clientCertificates.push(String(cn));
    }

    if (this.token !== null && req.headers.authorization !== `Bearer ${this.token}`) {
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const rule = this.faults.find((f) => f.remaining > 0 && f.match(info));
    if (rule) {
      rule.remaining -= 1;
      const fault = rule.fault;
      if ('hang' in fault) return; // never answers; closed with the server
      if ('status' in fault) {
        return status(
          res,
          fault.status,
          fault.reason ?? reasonFor(fault.status),
          fault.message ?? `injected ${fault.status}`,
          fault.headers,
        );
      }
      if ('cutMidEvent' in fault) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(fault.cutMidEvent);
        setTimeout(() => res.destroy(), 20);
        return;
      }
      if ('watchError' in fault) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', ...fault.watchError } })}\n`,
        );
        return;
      }
    }

    if (url.pathname === '/version')
      return json(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-fixture' });
    if (url.pathname === '/api/v1') return json(res, 200, this.discovery('', 'v1'));
    if (url.pathname === '/apis/apps/v1') return json(res, 200, this.discovery('apps', 'v1'));
    if (url.pathname === '/apis/serving.kserve.io/v1beta1') {
      return this.kserve
        ? json(res, 200, this.discovery('serving.kserve.io', 'v1beta1'))
        : status(res, 404, 'NotFound', 'the server could not find the requested resource');
    }
    if (!route) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    if (route.resource === 'inferenceservices' && !this.kserve)
      return status(res, 404, 'NotFound', 'not found');
    if (info.watch) return this.watch(info, res);
    return this.list(info, res);
  }

  private discovery(group: string, version: string) {
    return {
      kind: 'APIResourceList',
      groupVersion: group ? `${group}/${version}` : version,
      resources: Object.values(resources)
        .filter((r) => r.group === group && r.version === version)
        .filter((r) => r.resource !== 'statefulsets' || this.statefulsets)
        .map((r) => ({
          name: r.resource,
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ['get', 'list', 'watch'],
        })),
    };
  }

  private route(pathname: string): { resource: string; namespace: string | null } | null {
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(pathname);
    if (!m) return null;
    const def = resources[m[4]!];
    if (!def) return null;
    return { resource: def.resource, namespace: m[3] ?? null };
  }

  private list(info: RequestInfo, res: ServerResponse): void {
    const all = [...this.store(info.resource!).values()]
      .filter((o) => !info.namespace || o.metadata.namespace === info.namespace)
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const limit = Number(info.query.get('limit') ?? '0');
    const offset = Number(info.query.get('continue') ?? '0');
    const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const next = limit > 0 && offset + limit < all.length ? String(offset + limit) : undefined;
    json(res, 200, {
      kind: `${resources[info.resource!]!.kind}List`,
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.rv), ...(next ? { continue: next } : {}) },
      items: page,
    });
  }

  private watch(info: RequestInfo, res: ServerResponse): void {
    const from = Number(info.query.get('resourceVersion') ?? '0');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders(); // as the apiserver does: a quiet watch is still an open watch
    if (from < this.oldestRv) {
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: `too old resource version: ${from} (${this.oldestRv})` } })}\n`,
      );
      return;
    }
    for (const entry of this.history) {
      if (entry.rv <= from || entry.resource !== info.resource) continue;
      if (info.namespace && entry.object.metadata.namespace !== info.namespace) continue;
      res.write(`${JSON.stringify({ type: entry.type, object: entry.object })}\n`);
    }
    const watch: OpenWatch = { resource: info.resource!, namespace: info.namespace, res };
    this.watches.add(watch);
    res.on('close', () => this.watches.delete(watch));
  }
}

function keyOf(object: FixtureObject): string {
  return object.metadata.namespace
    ? `${object.metadata.namespace}/${object.metadata.name}`
    : object.metadata.name;
}

function json(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function status(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function reasonFor(code: number): string {
  return (
    {
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'NotFound',
      409: 'Conflict',
      410: 'Expired',
      429: 'TooManyRequests',
      500: 'InternalError',
    }[code] ?? 'Unknown'
  );
}
