/**
 * The contract between the simulated Kubernetes API server (src/demo/kube) and the rest of the
 * demo (the model-server simulator, the demo world). The store is the single source of truth
 * for a simulated cluster: the API server serves it to kubectl and to Fleetdeck's Kubernetes
 * provider; the controllers and the model servers read and react to it.
 */
export interface ObjectMeta {
  name: string;
  /** Prefix for a server-generated name when `name` is empty (POST only). */
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Kubernetes object bodies are open-ended
  status?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  [extra: string]: unknown;
}

/** Identifies a resource type: `{group:'apps', version:'v1', resource:'deployments'}`; core group is ''. */
export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreChange {
  type: WatchEventType;
  ref: ResourceRef;
  object: KubeObject;
  /** The object before a MODIFIED, for controllers that react to a field changing. */
  previous?: KubeObject;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * What the demo world and the model servers use; the API server adds paging, watch windows and HTTP.
 * Objects handed out are frozen snapshots (editing one throws): copy before changing, or use
 * KubeObjectStore.modify. Failures are KubeApiError (status-error.ts) with the HTTP code and reason.
 */
export interface ClusterObjectStore {
  readonly clusterName: string;
  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined;
  list(ref: ResourceRef, options?: ListOptions): KubeObject[];
  /** Assigns uid, resourceVersion, creationTimestamp, generation; throws a 409-style error if it exists. */
  create(ref: ResourceRef, object: KubeObject): KubeObject;
  /** Replaces the object (by name); bumps resourceVersion, and generation when spec changed. */
  update(ref: ResourceRef, object: KubeObject): KubeObject;
  delete(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Every change, synchronously after it is applied. Returns an unsubscribe function. */
  onChange(listener: (change: StoreChange) => void): () => void;
}

/**
 * What the simulated apiserver and the controllers need beyond ClusterObjectStore; implemented by
 * createClusterObjectStore (object-store.ts). Returned objects are frozen snapshots.
 */
export interface HistoryEntry {
  resourceVersion: number;
  change: StoreChange;
}

export interface ListPageOptions extends ListOptions {
  limit?: number;
  continue?: string;
}

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface KubeObjectStore extends ClusterObjectStore {
  /** The latest resourceVersion (0 before the first write). */
  readonly resourceVersion: number;
  /** The oldest resourceVersion a watch may resume from; older ones get 410 Expired. */
  readonly oldestResumableVersion: number;
  /** Writes only `status` (the `/status` subresource): spec and metadata stay as stored. */
  updateStatus(ref: ResourceRef, object: KubeObject): KubeObject;
  /**
   * Read-modify-write in one step: `mutate` edits a mutable copy (return `false` to skip).
   * Returns the stored object, or undefined when it does not exist.
   */
  modify(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    mutate: (draft: KubeObject) => void | false,
    options?: { status?: boolean },
  ): KubeObject | undefined;
  /** A page of a list in key order (namespace/name), with an opaque continue token. */
  listPage(ref: ResourceRef, options?: ListPageOptions): ListPage;
  /** Changes after `resourceVersion`, oldest first; throws 410 Expired when outside the window. */
  changesSince(resourceVersion: number): HistoryEntry[];
  /** Objects of `ref` whose ownerReferences name `ownerUid` (indexed: cheap at 10k endpoints). */
  ownedBy(ref: ResourceRef, ownerUid: string): KubeObject[];
  count(ref: ResourceRef): number;
}

export const refs = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  pods: { group: '', version: 'v1', resource: 'pods' },
  services: { group: '', version: 'v1', resource: 'services' },
  events: { group: '', version: 'v1', resource: 'events' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  inferenceservices: { group: 'serving.kserve.io', version: 'v1beta1', resource: 'inferenceservices' },
} as const satisfies Record<string, ResourceRef>;

/** Labels and annotations the demo puts on objects, read by the model servers and providers. */
export const demoLabels = {
  /** On Deployments and their pods: the canonical model name. */
  model: 'fleetdeck.io/model',
  /** On Deployments and their pods: the model version. */
  version: 'fleetdeck.io/model-version',
  /** On Deployments and their pods: the endpoint's name (its id is `<cluster>:<ns>:<name>`). */
  endpoint: 'fleetdeck.io/endpoint',
  /** KServe's own label on predictor Deployments/pods. */
  kserveIsvc: 'serving.kserve.io/inferenceservice',
  /** Pod annotation set by the simulated controller: where the pod's /metrics and OpenAI API live. */
  podBaseUrl: 'fleetdeck.io/base-url',
  /** Node annotation: on-demand USD per hour. */
  nodeHourlyPrice: 'fleetdeck.io/hourly-price-usd',
} as const;
