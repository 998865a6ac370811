/**
 * Failures of the Kubernetes source as values people can act on (CONVENTIONS.md 9): each one
 * knows what failed (file, context, command, verb and resource) and says what to do next.
 */

/** The kubeconfig could not be read: missing, unreadable, not YAML, or without the context. */
export class KubeconfigError extends Error {
  constructor(
    message: string,
    readonly file: string | null,
  ) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/** Credentials for one context could not be produced (exec plugin, certificate files, proxy). */
export class KubeAuthError extends Error {
  constructor(
    message: string,
    readonly context: string,
    /** Retrying may help (a plugin that timed out) or not (a plugin that is not installed). */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'KubeAuthError';
  }
}

export type KubeFailureKind = 'http' | 'timeout' | 'network' | 'gone' | 'aborted';

/** What was being done when a request failed, for the reason text. */
export interface KubeRequestScope {
  context: string;
  verb: 'get' | 'list' | 'watch';
  /** `pods`, `deployments.apps`, `inferenceservices.serving.kserve.io`, or a path for discovery. */
  resource: string;
  /** Omitted for cluster-wide requests. */
  namespace?: string;
  /** False for cluster-scoped resources (nodes) and discovery: no "all namespaces" in reasons. */
  namespaced?: boolean;
}

/** A request to the API server failed. `status` is the HTTP code (0 for network/timeout). */
export class KubeRequestError extends Error {
  constructor(
    message: string,
    readonly kind: KubeFailureKind,
    readonly status: number,
    readonly scope: KubeRequestScope,
    /** The Status object's reason (Forbidden, Expired, ...), when the server sent one. */
    readonly statusReason: string | null = null,
    /** From Retry-After on 429/503, in ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'KubeRequestError';
  }

  /** 410 Gone / Expired: the resourceVersion is too old; list again. */
  get isGone(): boolean {
    return this.kind === 'gone' || this.status === 410;
  }
}

const where = (scope: KubeRequestScope) =>
  scope.namespace
    ? `${scope.resource} in namespace ${scope.namespace}`
    : scope.namespaced === false
      ? scope.resource
      : `${scope.resource} (all namespaces)`;

/**
 * The reason shown on the source. `serverMessage` is the Status message from the API server,
 * quoted because it is often the most precise thing anyone will see.
 */
export function describeHttpFailure(
  status: number,
  scope: KubeRequestScope,
  serverMessage: string | null,
  retryAfterMs: number | null,
): string {
  const quoted = serverMessage ? ` (server: "${truncate(serverMessage, 240)}")` : '';
  const ctx = `context ${scope.context}`;
  switch (status) {
    case 401:
      return `${ctx}: 401 Unauthorized to ${scope.verb} ${where(scope)}${quoted}; the credentials were rejected or expired: log in again (e.g. refresh the cloud CLI session) or fix the user in the kubeconfig`;
    case 403:
      return `${ctx}: 403 Forbidden: cannot ${scope.verb} ${where(scope)}${quoted}; RBAC must allow "${scope.verb}" on ${scope.resource}${scope.namespace ? ` in ${scope.namespace}` : ' cluster-wide'} for this user, or limit the source to namespaces you can read`;
    case 404:
      return `${ctx}: 404 Not Found for ${scope.verb} ${where(scope)}${quoted}; the API server does not serve it (wrong server URL, or an API that is not installed)`;
    case 409:
      return `${ctx}: 409 Conflict on ${scope.verb} ${where(scope)}${quoted}; retrying`;
    case 410:
      return `${ctx}: 410 Gone on ${scope.verb} ${where(scope)}; the watch fell too far behind, listing again`;
    case 429:
      return `${ctx}: 429 Too Many Requests on ${scope.verb} ${where(scope)}${quoted}; the API server is throttling us, retrying${retryAfterMs !== null ? ` after ${Math.ceil(retryAfterMs / 1000)} s as it asked` : ' with backoff'}`;
    default:
      if (status >= 500)
        return `${ctx}: ${status} server error on ${scope.verb} ${where(scope)}${quoted}; the API server is failing, retrying with backoff`;
      return `${ctx}: HTTP ${status} on ${scope.verb} ${where(scope)}${quoted}`;
  }
}

export function describeTimeout(scope: KubeRequestScope, timeoutMs: number): string {
  return `context ${scope.context}: ${scope.verb} ${where(scope)} timed out after ${Math.round(timeoutMs / 100) / 10} s; the API server is slow or unreachable, retrying with backoff`;
}

export function describeNetworkFailure(scope: KubeRequestScope, server: string, cause: string): string {
  return `context ${scope.context}: cannot reach the API server at ${server} (${cause}); check the network, VPN or proxy, retrying with backoff`;
}

export const truncate = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
