import { badRequest } from './status-error';

/**
 * `continue` tokens: opaque to clients (base64url JSON, like the apiserver's), carrying the list's
 * resourceVersion and the last key returned. A token older than the store's history window is
 * answered with 410 Expired, as etcd compaction makes the real apiserver do.
 */
export interface ContinuePosition {
  /** resourceVersion of the first page: every page of one list reports it. */
  resourceVersion: number;
  /** Last key (`namespace/name` or `name`) already returned. */
  startAfter: string;
}

export function encodeContinue(position: ContinuePosition): string {
  return Buffer.from(
    JSON.stringify({ v: 'fleetdeck.io/v1', rv: position.resourceVersion, start: position.startAfter }),
  ).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: unknown;
      rv?: unknown;
      start?: unknown;
    };
    if (
      parsed.v === 'fleetdeck.io/v1' &&
      Number.isSafeInteger(parsed.rv) &&
      typeof parsed.start === 'string'
    ) {
      return { resourceVersion: parsed.rv as number, startAfter: parsed.start };
    }
  } catch {
    // fall through: the apiserver answers any undecodable token the same way
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

/** First index in sorted `keys` whose key is > `key` (or >= when `inclusive`). */
export function lowerBound(keys: readonly string[], key: string, inclusive = true): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const candidate = keys[mid]!;
    if (candidate < key || (!inclusive && candidate === key)) low = mid + 1;
    else high = mid;
  }
  return low;
}
