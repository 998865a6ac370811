import { apiVersionOf, resourcesIn, servedGroups, type ResourceDefinition } from './resources';

/**
 * Legacy (non-aggregated) discovery documents: `/api`, `/api/v1`, `/apis`, `/apis/<g>`,
 * `/apis/<g>/<v>`. kubectl 1.32 first asks for aggregated discovery (Accept
 * `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`) and falls back to these
 * when the answer's Content-Type is plain `application/json`, as a pre-1.26 apiserver's is.
 */
export const kubernetesVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4-fleetdeck-demo',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDocument(group: string, versions: string[]) {
  const groupVersions = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: groupVersions, preferredVersion: groupVersions[0] };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups()
      .filter(({ group }) => group !== '')
      .map(({ group, versions }) => groupDocument(group, versions)),
  };
}

export function apiGroup(group: string) {
  const served = servedGroups().find((candidate) => candidate.group === group && group !== '');
  return served
    ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group, served.versions) }
    : undefined;
}

function resourceEntries(definition: ResourceDefinition) {
  const entries: object[] = [
    {
      name: definition.resource,
      singularName: definition.singular,
      namespaced: definition.namespaced,
      kind: definition.kind,
      verbs: definition.verbs,
      ...(definition.shortNames.length ? { shortNames: definition.shortNames } : {}),
      ...(definition.categories.length ? { categories: definition.categories } : {}),
    },
  ];
  for (const sub of definition.subresources) {
    if (sub === 'log') {
      entries.push({
        name: `${definition.resource}/log`,
        singularName: '',
        namespaced: true,
        kind: 'Pod',
        verbs: ['get'],
      });
      continue;
    }
    entries.push(
      sub === 'scale'
        ? {
            name: `${definition.resource}/scale`,
            singularName: '',
            namespaced: definition.namespaced,
            group: 'autoscaling',
            version: 'v1',
            kind: 'Scale',
            verbs: ['get', 'patch', 'update'],
          }
        : {
            name: `${definition.resource}/status`,
            singularName: '',
            namespaced: definition.namespaced,
            kind: definition.kind,
            verbs: ['get', 'patch', 'update'],
          },
    );
  }
  return entries;
}

export function apiResourceList(group: string, version: string) {
  const definitions = resourcesIn(group, version);
  if (definitions.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version, resource: '' }),
    resources: definitions.flatMap(resourceEntries),
  };
}
