import { createHash } from 'node:crypto';
import { resourceDefinitions, servedGroups, type ResourceDefinition } from './resources';

/**
 * Just enough OpenAPI v3 for kubectl's write path. `kubectl create -f` / `apply -f` validate
 * input unless told `--validate=false`: kubectl first asks `/openapi/v3` whether the server does
 * field validation itself (a PATCH operation for the kind that accepts the `fieldValidation`
 * query parameter, k8s.io/cli-runtime QueryParamVerifierV3). When it does, kubectl sends
 * `fieldValidation=Strict` and leaves validation to the server instead of downloading the v2
 * schema (which this server does not have: /openapi/v2 is 404).
 *
 * The documents carry paths and operations, not component schemas: `kubectl explain` has nothing
 * to show, and `kubectl apply` computes strategic merge patches from its built-in Go types
 * (the PATCH request bodies deliberately do not advertise strategic-merge-patch, so kubectl does
 * not look for schemas here).
 */
const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

function operation(definition: ResourceDefinition, action: string, verb: string) {
  return {
    operationId: `${verb}${definition.kind}`,
    description: `${verb} ${definition.kind}`,
    parameters: [
      { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
    ],
    ...(verb === 'patch'
      ? {
          requestBody: {
            content: {
              'application/json-patch+json': { schema: { type: 'object' } },
              'application/merge-patch+json': { schema: { type: 'object' } },
            },
            required: true,
          },
        }
      : {}),
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': {
      group: definition.group,
      version: definition.version,
      kind: definition.kind,
    },
  };
}

export function openApiV3Document(group: string, version: string) {
  const definitions = resourceDefinitions.filter((d) => d.group === group && d.version === version);
  if (definitions.length === 0) return undefined;
  const paths: Record<string, object> = {};
  for (const definition of definitions) {
    const base = `/${gvPath(group, version)}${definition.namespaced ? '/namespaces/{namespace}' : ''}/${definition.resource}`;
    paths[base] = {
      get: operation(definition, 'list', 'list'),
      post: operation(definition, 'post', 'create'),
    };
    paths[`${base}/{name}`] = {
      get: operation(definition, 'get', 'read'),
      put: operation(definition, 'put', 'replace'),
      patch: operation(definition, 'patch', 'patch'),
      delete: operation(definition, 'delete', 'delete'),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4-fleetdeck-demo' },
    paths,
    components: { schemas: {} },
  };
}

const documentHash = (group: string, version: string) =>
  createHash('sha256')
    .update(JSON.stringify(openApiV3Document(group, version)))
    .digest('hex')
    .slice(0, 32)
    .toUpperCase();

export function openApiV3Root() {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, versions } of servedGroups()) {
    for (const version of versions) {
      const path = gvPath(group, version);
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${documentHash(group, version)}` };
    }
  }
  return { paths };
}

/** `/openapi/v3/api/v1` -> ['', 'v1']; `/openapi/v3/apis/apps/v1` -> ['apps', 'v1']. */
export function groupVersionOfOpenApiPath(path: string): [string, string] | undefined {
  const match = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!match) return undefined;
  return match[1] ? ['', match[1]] : [match[2]!, match[3]!];
}
