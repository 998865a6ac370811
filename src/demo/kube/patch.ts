import { deepEqual, thaw } from './immutable-objects';
import { KubeApiError, badRequest } from './status-error';

/**
 * The three patch types kubectl sends (`kubectl patch --type merge|json|strategic`, `kubectl
 * scale`, `kubectl set image`):
 * - JSON merge patch, RFC 7386;
 * - JSON patch, RFC 6902;
 * - strategic merge patch for the built-in kinds: lists with a merge key (containers and env by
 *   name, ports by containerPort, conditions by type...) merge element-wise, `$patch: delete|replace`
 *   and `$deleteFromPrimitiveList` directives work, everything else merges like a merge patch.
 */
export type PatchType = 'merge' | 'json' | 'strategic';

export const patchContentTypes: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
};

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return thaw(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

// ---- RFC 6902 ----------------------------------------------------------------------------------

interface Operation {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer "${pointer}": must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const unprocessable = (message: string) => new KubeApiError(422, 'Invalid', message);

function arrayIndex(token: string, length: number, forInsert: boolean): number {
  if (token === '-' && forInsert) return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw unprocessable(`invalid array index "${token}"`);
  const index = Number(token);
  if (index > length || (!forInsert && index === length))
    throw unprocessable(`array index ${index} out of bounds`);
  return index;
}

/** The container holding the pointer's last token. */
function parentOf(document: Json, tokens: string[], pointer: string): Json {
  let current = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[arrayIndex(token, current.length, false)];
    else if (isObject(current) && token in current) current = current[token];
    else throw unprocessable(`doc is missing path: "${pointer}"`);
  }
  if (!Array.isArray(current) && !isObject(current)) throw unprocessable(`doc is missing path: "${pointer}"`);
  return current;
}

function getAt(document: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return document;
  const parent = parentOf(document, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent[arrayIndex(last, parent.length, false)];
  const object = parent as JsonObject;
  if (!(last in object)) throw unprocessable(`doc is missing key: "${pointer}"`);
  return object[last];
}

function removeAt(document: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw unprocessable('cannot remove the whole document');
  const parent = parentOf(document, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent.splice(arrayIndex(last, parent.length, false), 1)[0];
  const object = parent as JsonObject;
  if (!(last in object)) throw unprocessable(`Unable to remove nonexistent key: ${last}: missing value`);
  const removed = object[last];
  delete object[last];
  return removed;
}

function addAt(document: Json, pointer: string, value: Json, replace: boolean): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return thaw(value);
  const parent = parentOf(document, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length, !replace);
    parent.splice(index, replace ? 1 : 0, thaw(value));
  } else {
    const object = parent as JsonObject;
    if (replace && !(last in object))
      throw unprocessable(`replace operation does not apply: doc is missing key: ${pointer}`);
    object[last] = thaw(value);
  }
  return document;
}

export function applyJsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw badRequest('json patch must be an array of operations');
  let document = thaw(target);
  for (const raw of operations as Operation[]) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest(`invalid json patch operation: ${JSON.stringify(raw)}`);
    }
    switch (raw.op) {
      case 'add':
        document = addAt(document, raw.path, raw.value, false);
        break;
      case 'replace':
        document = addAt(document, raw.path, raw.value, true);
        break;
      case 'remove':
        removeAt(document, raw.path);
        break;
      case 'move': {
        const value = removeAt(document, String(raw.from));
        document = addAt(document, raw.path, value, false);
        break;
      }
      case 'copy':
        document = addAt(document, raw.path, getAt(document, String(raw.from)), false);
        break;
      case 'test':
        if (!deepEqual(getAt(document, raw.path), raw.value)) {
          throw unprocessable(`testing value ${raw.path} failed: test failed`);
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return document;
}

// ---- strategic merge patch ---------------------------------------------------------------------

/** patchMergeKey per list field, from the core/apps Go types. Lists not named here are atomic. */
function mergeKeyFor(field: string, path: readonly string[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return 'name';
    case 'ports':
      return path.some((segment) => segment.endsWith('ontainers')) ? 'containerPort' : 'port';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'conditions':
      return 'type';
    case 'hostAliases':
      return 'ip';
    case 'ownerReferences':
      return 'uid';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    default:
      return undefined;
  }
}

/** Primitive lists with patchStrategy "merge" (a set union). */
const mergedPrimitiveLists = new Set(['finalizers']);

function stripDirectives(value: Json): Json {
  if (Array.isArray(value))
    return value.filter((item) => !(isObject(item) && item.$patch)).map(stripDirectives);
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    result[key] = stripDirectives(item);
  }
  return result;
}

function mergeList(original: Json[], patch: Json[], key: string, path: string[]): Json[] {
  if (patch.some((item) => isObject(item) && item.$patch === 'replace'))
    return stripDirectives(patch) as Json[];
  const result = original.map((item) => thaw(item));
  for (const item of patch) {
    if (!isObject(item)) {
      result.push(item);
      continue;
    }
    const index = result.findIndex((existing) => isObject(existing) && existing[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = applyStrategicMergePatch(result[index], item, path);
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

export function applyStrategicMergePatch(original: Json, patch: Json, path: string[] = []): Json {
  if (!isObject(patch)) return thaw(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const result: JsonObject = isObject(original) ? thaw(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        result[field] = current.filter((item) => !value.includes(item));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (isObject(value) && value.$patch === 'delete') {
      delete result[key];
    } else if (Array.isArray(value)) {
      const mergeKey = mergeKeyFor(key, path);
      const current = result[key];
      if (mergeKey && Array.isArray(current))
        result[key] = mergeList(current, value, mergeKey, [...path, key]);
      else if (mergedPrimitiveLists.has(key) && Array.isArray(current))
        result[key] = [...current, ...value.filter((item) => !current.includes(item))];
      else result[key] = stripDirectives(value);
    } else if (isObject(value)) {
      result[key] = applyStrategicMergePatch(result[key], value, [...path, key]);
    } else {
      result[key] = value;
    }
  }
  if (Array.isArray(patch.$retainKeys)) {
    for (const key of Object.keys(result)) if (!patch.$retainKeys.includes(key)) delete result[key];
  }
  return result;
}

/** Applies `patch` to a copy of `target` (which may be a frozen store snapshot). */
export function applyPatch(type: PatchType, target: Json, patch: Json): Json {
  const base = thaw(target);
  switch (type) {
    case 'merge':
      return applyMergePatch(base, patch);
    case 'json':
      return applyJsonPatch(base, patch);
    case 'strategic':
      return applyStrategicMergePatch(base, patch);
  }
}
