import { thaw } from './immutable-objects';
import type { KubeObjectStore } from './object-store';
import { refs, type KubeObject, type ResourceRef } from './object-store.types';
import { applyPatch, patchContentTypes } from './patch';
import { apiVersionOf, type ResourceDefinition } from './resources';
import { labelSelectorToString } from './selectors';
import { KubeApiError, badRequest, conflict, notFound } from './status-error';

/**
 * The verbs on one resource: get, list (paged), create, update, patch, delete, deletecollection,
 * and the `status` and `scale` subresources. HTTP, content negotiation and watch live in
 * api-server.ts; this file is what the apiserver's registry/rest layer does.
 */
export interface ResourceTarget {
  store: KubeObjectStore;
  definition: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: 'status' | 'scale';
}

const refOf = (definition: ResourceDefinition): ResourceRef => ({
  group: definition.group,
  version: definition.version,
  resource: definition.resource,
});

function existing(target: ResourceTarget): KubeObject {
  const { store, definition, namespace, name } = target;
  const object = store.get(refOf(definition), namespace, name!);
  if (!object) throw notFound(definition.group, definition.resource, name!);
  return object;
}

/** A namespaced write needs its namespace to exist, as the NamespaceLifecycle admission plugin insists. */
function requireNamespace(target: ResourceTarget) {
  if (
    target.definition.namespaced &&
    target.namespace &&
    !target.store.get(refs.namespaces, undefined, target.namespace)
  ) {
    throw notFound('', 'namespaces', target.namespace);
  }
}

function asObject(body: unknown): KubeObject {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('the request body must be a JSON object');
  const object = body as KubeObject;
  if (!object.metadata || typeof object.metadata !== 'object') object.metadata = { name: '' };
  return object;
}

function checkKind(definition: ResourceDefinition, object: KubeObject) {
  if (object.kind && object.kind !== definition.kind) {
    throw badRequest(
      `the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(definition)})`,
    );
  }
}

export function toScale(object: KubeObject) {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: object.spec?.replicas ?? 1 },
    status: {
      replicas: object.status?.replicas ?? 0,
      selector: labelSelectorToString(object.spec?.selector ?? {}),
    },
  };
}

function present(target: ResourceTarget, object: KubeObject) {
  return target.subresource === 'scale' ? toScale(object) : object;
}

export function getObject(target: ResourceTarget) {
  return present(target, existing(target));
}

export function createObject(target: ResourceTarget, body: unknown): KubeObject {
  const { store, definition } = target;
  const object = asObject(body);
  checkKind(definition, object);
  if (definition.namespaced) {
    if (object.metadata.namespace && object.metadata.namespace !== target.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    object.metadata.namespace = target.namespace;
  }
  requireNamespace(target);
  delete object.metadata.resourceVersion;
  if (definition.resource === 'namespaces') object.status = { phase: 'Active' };
  return store.create(refOf(definition), object);
}

/** Writes `next` as an update of `current` through the right door: main resource, status or scale. */
function write(target: ResourceTarget, current: KubeObject, next: KubeObject): KubeObject {
  const { store, definition } = target;
  const ref = refOf(definition);
  if (next.metadata?.name !== current.metadata.name) {
    throw badRequest(
      `the name of the object (${next.metadata?.name}) does not match the name on the URL (${current.metadata.name})`,
    );
  }
  if (
    next.metadata.namespace &&
    current.metadata.namespace &&
    next.metadata.namespace !== current.metadata.namespace
  ) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (target.subresource === 'status') return store.updateStatus(ref, next);
  // With a status subresource, writes to the main resource leave status alone (as the apiserver's strategies do).
  if (definition.subresources.includes('status')) {
    next.status = current.status === undefined ? undefined : thaw(current.status);
  }
  return store.update(ref, next);
}

function applyScale(target: ResourceTarget, current: KubeObject, scale: KubeObject): KubeObject {
  const wanted = scale.metadata?.resourceVersion;
  if (wanted && wanted !== current.metadata.resourceVersion) {
    throw conflict(target.definition.group, target.definition.resource, current.metadata.name);
  }
  const replicas = scale.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new KubeApiError(
      422,
      'Invalid',
      `Scale.autoscaling "${current.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    );
  }
  const next = thaw(current);
  next.spec = { ...next.spec, replicas };
  return write({ ...target, subresource: undefined }, current, next);
}

export function updateObject(target: ResourceTarget, body: unknown) {
  const current = existing(target);
  const object = asObject(body);
  if (target.subresource === 'scale') return present(target, applyScale(target, current, object));
  checkKind(target.definition, object);
  return present(target, write(target, current, object));
}

export function patchObject(target: ResourceTarget, contentType: string, body: unknown) {
  const type = patchContentTypes[contentType];
  // Custom resources have no Go struct to take merge keys from; the real apiserver refuses SMP for them.
  const customResource = target.definition.group === 'serving.kserve.io' && target.subresource !== 'scale';
  if (!type || (type === 'strategic' && customResource)) {
    const accepted = customResource
      ? 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml'
      : 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json';
    throw new KubeApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
    );
  }
  const current = existing(target);
  if (target.subresource === 'scale') {
    const patched = asObject(applyPatch(type, toScale(current), body));
    return present(target, applyScale(target, current, patched));
  }
  const patched = asObject(applyPatch(type, current, body));
  return present(target, write(target, current, patched));
}

export function deleteObject(target: ResourceTarget): KubeObject {
  const current = existing(target);
  return target.store.delete(refOf(target.definition), target.namespace, current.metadata.name) ?? current;
}

export function deleteCollection(target: ResourceTarget, labelSelector?: string, fieldSelector?: string) {
  const ref = refOf(target.definition);
  const items = target.store.list(ref, { namespace: target.namespace, labelSelector, fieldSelector });
  const deleted = items.map(
    (item) => target.store.delete(ref, item.metadata.namespace, item.metadata.name) ?? item,
  );
  return { kind: target.definition.listKind, apiVersion: apiVersionOf(ref), metadata: {}, items: deleted };
}

export function listObjects(
  target: ResourceTarget,
  options: { labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string },
) {
  const ref = refOf(target.definition);
  const page = target.store.listPage(ref, { namespace: target.namespace, ...options });
  return {
    page,
    body: {
      kind: target.definition.listKind,
      apiVersion: apiVersionOf(ref),
      metadata: {
        resourceVersion: page.resourceVersion,
        ...(page.continue ? { continue: page.continue } : {}),
        ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
      },
      items: page.items,
    },
  };
}
