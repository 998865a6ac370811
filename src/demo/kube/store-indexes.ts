import type { KubeObject } from './object-store.types';

/**
 * Secondary indexes of the object store, kept up to date on every write, so the controllers and
 * the model-server simulator stay fast at 10,000 endpoints: "the pods of this ReplicaSet" and
 * "the pods labelled fleetdeck.io/endpoint=<name>" are lookups, not scans of 15,000 pods.
 */
export class OwnerIndex {
  /** ownerUid -> refKey -> object keys */
  private readonly owners = new Map<string, Map<string, Set<string>>>();

  update(ref: string, key: string, object: KubeObject | undefined, add: boolean): void {
    for (const owner of object?.metadata.ownerReferences ?? []) {
      let byRef = this.owners.get(owner.uid);
      if (!byRef) this.owners.set(owner.uid, (byRef = new Map()));
      let keys = byRef.get(ref);
      if (!keys) byRef.set(ref, (keys = new Set()));
      if (add) {
        keys.add(key);
      } else {
        keys.delete(key);
        if (keys.size === 0) byRef.delete(ref);
        if (byRef.size === 0) this.owners.delete(owner.uid);
      }
    }
  }

  keys(ownerUid: string, ref: string): Iterable<string> {
    return this.owners.get(ownerUid)?.get(ref) ?? [];
  }
}

/** label key -> value -> object keys, for the label keys someone has looked up (built on first use). */
export class LabelIndex {
  private readonly byLabel = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly objects: ReadonlyMap<string, KubeObject>) {}

  update(key: string, object: KubeObject | undefined, add: boolean): void {
    if (this.byLabel.size === 0 || !object?.metadata.labels) return;
    for (const [label, values] of this.byLabel) {
      const value = object.metadata.labels[label];
      if (value === undefined) continue;
      let keys = values.get(value);
      if (add) {
        if (!keys) values.set(value, (keys = new Set()));
        keys.add(key);
      } else if (keys) {
        keys.delete(key);
        if (keys.size === 0) values.delete(value);
      }
    }
  }

  lookup(label: string, value: string): ReadonlySet<string> {
    let values = this.byLabel.get(label);
    if (!values) {
      values = new Map();
      for (const [key, object] of this.objects) {
        const found = object.metadata.labels?.[label];
        if (found === undefined) continue;
        if (!values.has(found)) values.set(found, new Set());
        values.get(found)!.add(key);
      }
      this.byLabel.set(label, values);
    }
    return values.get(value) ?? new Set();
  }
}
