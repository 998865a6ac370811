/**
 * Kubernetes `Status` failures as values. The store throws these, the API server turns them into
 * the exact bodies kubectl and client-go parse (`kind: Status`, `reason`, `code`, `details`), so
 * `kubectl` prints the same messages it prints against a real cluster.
 */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Expired'
  | 'Gone'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'InternalError';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: Array<{ reason?: string; message: string; field?: string }>;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string; resourceVersion?: string };
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    /** For `410 Expired` on a stale continue token: a token to carry on inconsistently. */
    readonly continueToken?: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.continueToken ? { continue: this.continueToken } : {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export const isKubeApiError = (error: unknown): error is KubeApiError => error instanceof KubeApiError;

/** `deployments.apps` — how the apiserver names a resource in messages (`pods` for core). */
export const qualifiedResource = (group: string, resource: string) =>
  group ? `${resource}.${group}` : resource;

export const notFound = (group: string, resource: string, name: string) =>
  new KubeApiError(404, 'NotFound', `${qualifiedResource(group, resource)} "${name}" not found`, {
    name,
    group: group || undefined,
    kind: resource,
  });

export const alreadyExists = (group: string, resource: string, name: string) =>
  new KubeApiError(409, 'AlreadyExists', `${qualifiedResource(group, resource)} "${name}" already exists`, {
    name,
    group: group || undefined,
    kind: resource,
  });

export const conflict = (group: string, resource: string, name: string) =>
  new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ` +
      'the object has been modified; please apply your changes to the latest version and try again',
    { name, group: group || undefined, kind: resource },
  );

export const badRequest = (message: string) => new KubeApiError(400, 'BadRequest', message);

export const expired = (message: string, continueToken?: string) =>
  new KubeApiError(410, 'Expired', message, undefined, continueToken);
