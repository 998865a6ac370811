import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  createObject,
  deleteCollection,
  deleteObject,
  getObject,
  listObjects,
  patchObject,
  updateObject,
  type ResourceTarget,
} from './api-handlers';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, kubernetesVersion } from './discovery';
import type { KubeObjectStore } from './object-store';
import type { KubeObject } from './object-store.types';
import { groupVersionOfOpenApiPath, openApiV3Document, openApiV3Root } from './openapi';
import { podLogText } from './pod-logs';
import { protobufUnsupported, readBody, readJson } from './request-body';
import { resourceDefinitions, type ResourceDefinition } from './resources';
import { compileFieldSelector, compileLabelSelector } from './selectors';
import { KubeApiError, alreadyExists, isKubeApiError } from './status-error';
import { toTable, type IncludeObject } from './table-output';
import { createSelfSignedCertificate, type SelfSignedCertificate } from './tls-certificate';
import { serveWatch, type OpenWatch } from './watch';

/**
 * A simulated Kubernetes apiserver for one demo cluster: the real `kubectl` and Fleetdeck's
 * Kubernetes provider talk to it exactly as to a cluster (ARCHITECTURE.md, "The demo fleet").
 * Bearer-token auth, legacy discovery, CRUD + patch + watch, scale/status subresources,
 * server-side Table printing, and Kubernetes `Status` bodies for every failure.
 *
 * It serves https (node:https) because kubectl sends kubeconfig credentials only over TLS; see
 * tls-certificate.ts. Put `certificateAuthority` in the kubeconfig (writeDemoKubeconfig does).
 */
export interface KubeApiServerOptions {
  store: KubeObjectStore;
  token: string;
  host?: string;
  port?: number;
  /** How often a watch with allowWatchBookmarks=true gets a BOOKMARK (default 15 s). */
  bookmarkIntervalMs?: number;
  /** One line per request (method, path, status, ms); off by default. */
  log?: (line: string) => void;
  /** Serving certificate and key; a fresh self-signed one when omitted. */
  tls?: SelfSignedCertificate;
}

export interface KubeApiServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** PEM of the certificate clients must trust (kubeconfig `certificate-authority-data`). */
  certificateAuthority: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json') {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown) {
  const failure = isKubeApiError(error)
    ? error
    : new KubeApiError(
        500,
        'InternalError',
        `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`,
      );
  if (!isKubeApiError(error)) console.error('[kube-apiserver] internal error', error);
  if (res.headersSent) return void res.end();
  sendJson(res, failure.code, failure.toStatus());
}

const tokenDigest = (token: string) => createHash('sha256').update(token).digest();

interface Route {
  definition: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

/** Parses `/api/v1/...` and `/apis/<g>/<v>/...` resource paths (including the legacy `/watch/` prefix). */
function parseResourcePath(group: string, version: string, segments: string[]): Route | undefined {
  const served = resourceDefinitions.filter((d) => d.group === group && d.version === version);
  const find = (resource: string | undefined) => served.find((d) => d.resource === resource);
  let watch = false;
  if (segments[0] === 'watch') {
    watch = true;
    segments = segments.slice(1);
  }
  const namespaced = segments[0] === 'namespaces' && segments.length >= 3 ? find(segments[2]) : undefined;
  if (namespaced?.namespaced) {
    if (segments.length > 5) return undefined;
    return {
      definition: namespaced,
      namespace: segments[1],
      name: segments[3],
      subresource: segments[4],
      watch,
    };
  }
  const definition = find(segments[0]);
  if (!definition || segments.length > 3) return undefined;
  return { definition, name: segments[1], subresource: segments[2], watch };
}

function wantsTable(accept: string): boolean {
  return accept.split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

export async function startKubeApiServer(options: KubeApiServerOptions): Promise<KubeApiServer> {
  const { store } = options;
  const expected = tokenDigest(options.token);
  const watches = new Set<OpenWatch>();
  const bookmarkIntervalMs = options.bookmarkIntervalMs ?? 15_000;
  let serverAddress = '';

  const authorised = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return !!match && timingSafeEqual(tokenDigest(match[1]!.trim()), expected);
  };

  async function handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    query: URLSearchParams,
  ) {
    const { definition } = route;
    if (route.subresource && !definition.subresources.includes(route.subresource as 'status')) {
      throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (route.subresource === 'log') {
      if (req.method !== 'GET')
        throw new KubeApiError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
      const pod = getObject({
        store,
        definition,
        namespace: route.namespace,
        name: route.name,
      }) as KubeObject;
      const text = podLogText(pod, query);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      // `logs -f` keeps the stream open, as a running container's would be, until the client leaves.
      if (query.get('follow') === 'true') return void res.write(text);
      return void res.end(text);
    }
    const target: ResourceTarget = {
      store,
      definition,
      namespace: definition.namespaced ? route.namespace : undefined,
      name: route.name,
      subresource: route.subresource as ResourceTarget['subresource'],
    };
    const accept = req.headers.accept ?? 'application/json';
    const table = wantsTable(accept) && !route.subresource;
    const includeObject = (query.get('includeObject') ?? 'Metadata') as IncludeObject;
    const labelSelector = query.get('labelSelector') ?? undefined;
    let fieldSelector = query.get('fieldSelector') ?? undefined;
    const method = req.method ?? 'GET';
    const watch = route.watch || ['1', 'true'].includes(query.get('watch') ?? '');

    if (method === 'GET' && (watch || !route.name)) {
      if (route.name)
        fieldSelector = [fieldSelector, `metadata.name=${route.name}`].filter(Boolean).join(',');
      const labels = compileLabelSelector(labelSelector);
      const fields = compileFieldSelector(fieldSelector, definition.selectableFields);
      if (watch) {
        // A watch can end before serveWatch returns (a resourceVersion too old: one ERROR event
        // and done); then it is never registered. (Deleting `open` from the close callback
        // while serveWatch had not returned yet threw "Cannot access 'open' before
        // initialization".)
        let open: ReturnType<typeof serveWatch> | null = null;
        let ended = false;
        const served = serveWatch(
          res,
          {
            store,
            definition,
            namespace: target.namespace,
            matches: (object) => labels(object) && fields(object),
            resourceVersion: query.get('resourceVersion') ?? undefined,
            allowBookmarks: query.get('allowWatchBookmarks') === 'true',
            sendInitialEvents: query.get('sendInitialEvents') === 'true',
            bookmarkIntervalMs,
            timeoutSeconds: Number(query.get('timeoutSeconds') ?? 0) || undefined,
            render: table
              ? (object: KubeObject) =>
                  toTable(
                    definition,
                    [object],
                    { resourceVersion: object.metadata.resourceVersion ?? '' },
                    { includeObject },
                  )
              : (object: KubeObject) => object,
            contentType: 'application/json',
          },
          () => {
            ended = true;
            if (open) watches.delete(open);
          },
        );
        if (!ended) watches.add((open = served));
        return;
      }
      const limit = Number(query.get('limit') ?? 0);
      const { page, body } = listObjects(target, {
        labelSelector,
        fieldSelector,
        limit: Number.isFinite(limit) && limit > 0 ? limit : undefined,
        continue: query.get('continue') ?? undefined,
      });
      return sendJson(res, 200, table ? toTable(definition, page.items, page, { includeObject }) : body);
    }

    switch (method) {
      case 'GET': {
        const object = getObject(target);
        const rv = { resourceVersion: object.metadata.resourceVersion ?? '' };
        return sendJson(
          res,
          200,
          table ? toTable(definition, [object as KubeObject], rv, { includeObject }) : object,
        );
      }
      case 'POST': {
        if (route.name) break;
        const body = await readBody(req);
        if (body.partial) {
          // Only the metadata was readable: still answer a duplicate as the apiserver would.
          const name = (body.value as KubeObject).metadata?.name ?? '';
          if (name && store.get(definition, target.namespace, name))
            throw alreadyExists(definition.group, definition.resource, name);
          throw protobufUnsupported(definition.kind);
        }
        return sendJson(res, 201, createObject(target, body.value));
      }
      case 'PUT':
        if (!route.name) break;
        return sendJson(res, 200, updateObject(target, await readJson(req)));
      case 'PATCH': {
        if (!route.name) break;
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        return sendJson(res, 200, patchObject(target, contentType, await readJson(req)));
      }
      case 'DELETE':
        if (route.subresource) break;
        if (!route.name) return sendJson(res, 200, deleteCollection(target, labelSelector, fieldSelector));
        return sendJson(res, 200, deleteObject(target));
    }
    throw new KubeApiError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource`,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!authorised(req)) throw new KubeApiError(401, 'Unauthorized', 'Unauthorized');
    const segments = url.pathname.split('/').filter(Boolean);
    const isGet = req.method === 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';

    if (isGet) {
      if (path === '/version') return sendJson(res, 200, kubernetesVersion);
      if (path === '/healthz' || path === '/livez' || path === '/readyz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return void res.end('ok');
      }
      // Plain application/json even when aggregated discovery is asked for: kubectl falls back to legacy.
      if (path === '/api') return sendJson(res, 200, apiVersions(serverAddress));
      if (path === '/apis') return sendJson(res, 200, apiGroupList());
      if (path === '/openapi/v3') return sendJson(res, 200, openApiV3Root());
      const openApiGroupVersion = groupVersionOfOpenApiPath(path);
      const openApi = openApiGroupVersion && openApiV3Document(...openApiGroupVersion);
      if (openApi) return sendJson(res, 200, openApi);
      if (segments[0] === 'api' && segments.length === 2) {
        const list = apiResourceList('', segments[1]!);
        if (list) return sendJson(res, 200, list);
      }
      if (segments[0] === 'apis' && segments.length === 2) {
        const group = apiGroup(segments[1]!);
        if (group) return sendJson(res, 200, group);
      }
      if (segments[0] === 'apis' && segments.length === 3) {
        const list = apiResourceList(segments[1]!, segments[2]!);
        if (list) return sendJson(res, 200, list);
      }
    }
    let route: Route | undefined;
    if (segments[0] === 'api' && segments.length > 2)
      route = parseResourcePath('', segments[1]!, segments.slice(2));
    if (segments[0] === 'apis' && segments.length > 3)
      route = parseResourcePath(segments[1]!, segments[2]!, segments.slice(3));
    if (!route) throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
    return handleResource(req, res, route, url.searchParams);
  }

  const tls =
    options.tls ?? createSelfSignedCertificate({ commonName: `fleetdeck-demo-${store.clusterName}` });
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const started = Date.now();
    // 'close', not 'finish': a watch is logged when its stream ends, however it ends.
    res.once('close', () =>
      options.log?.(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`),
    );
    handle(req, res).catch((error: unknown) => sendError(res, error));
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  serverAddress = `${address.address}:${address.port}`;

  return {
    url: `https://${options.host ?? '127.0.0.1'}:${address.port}`,
    certificateAuthority: tls.certPem,
    close: () =>
      new Promise<void>((resolve) => {
        for (const watch of [...watches]) watch.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
