import type { KubeObjectStore } from '../object-store';
import { refs, type ResourceRef } from '../object-store.types';

/**
 * Background cascading deletion: when an object goes, everything whose ownerReferences name it
 * goes too (Deployment -> ReplicaSets -> Pods, InferenceService -> predictor Deployments), and
 * deleting a Namespace deletes what was in it.
 */
const dependentKinds: ResourceRef[] = [refs.replicasets, refs.pods, refs.deployments, refs.services];
const namespacedKinds: ResourceRef[] = [
  refs.inferenceservices,
  refs.deployments,
  refs.replicasets,
  refs.pods,
  refs.services,
  refs.events,
];

export function startGarbageCollector(store: KubeObjectStore): () => void {
  return store.onChange((change) => {
    // Events own nothing; at scale they are most of the deletions.
    if (change.type !== 'DELETED' || change.ref.resource === 'events') return;
    const { metadata } = change.object;
    if (change.ref.group === '' && change.ref.resource === 'namespaces') {
      for (const ref of namespacedKinds) {
        for (const object of store.list(ref, { namespace: metadata.name })) {
          store.delete(ref, metadata.name, object.metadata.name);
        }
      }
      return;
    }
    if (!metadata.uid) return;
    for (const ref of dependentKinds) {
      for (const dependent of store.ownedBy(ref, metadata.uid)) {
        store.delete(ref, dependent.metadata.namespace, dependent.metadata.name);
      }
    }
  });
}
