import { toService } from '../../providers/kubernetes/kube-objects';
import { labels } from '../../providers/kubernetes/model-detection';
import type { DeploymentView } from './target-objects';
import { serviceRef, type KubeObject, type KubeWriteClient } from './kube-write.client';

/** A pod label whose value tells the two versions apart: what a switch pins the Service to. */
export interface PinLabel {
  key: string;
  stable: string;
  candidate: string;
}

/** The Service's selector and the group selector saved before a pin (or the selector itself). */
export function selectorsOf(service: KubeObject | null): {
  live: Record<string, string>;
  group: Record<string, string>;
} {
  const parsed = service ? toService(service) : null;
  return { live: parsed?.selector ?? {}, group: parsed?.groupSelector ?? {} };
}

const preferred = [labels.version, 'version', 'app.kubernetes.io/version', 'app.kubernetes.io/instance'];

/**
 * The label to switch on: the model-version label when both versions carry it, else a common
 * version label, else any label both pod templates have with different values. Null when the
 * pods cannot be told apart by a label (then a switch can only move replicas).
 */
export function pinLabelFor(stable: DeploymentView, candidate: DeploymentView): PinLabel | null {
  const differs = (key: string) =>
    stable.podLabels[key] !== undefined &&
    candidate.podLabels[key] !== undefined &&
    stable.podLabels[key] !== candidate.podLabels[key];
  const key =
    preferred.find(differs) ??
    Object.keys(stable.podLabels)
      .sort()
      .find((k) => differs(k)) ??
    null;
  return key ? { key, stable: stable.podLabels[key]!, candidate: candidate.podLabels[key]! } : null;
}

/** Which version the Service's live selector is pinned to now, if any. */
export function pinnedTo(service: KubeObject | null, pin: PinLabel): 'stable' | 'candidate' | null {
  const value = selectorsOf(service).live[pin.key];
  return value === pin.candidate ? 'candidate' : value === pin.stable ? 'stable' : null;
}

/**
 * Pins the Service to one version (all traffic to its pods at once, the other's pods stay up
 * and get none) or, with `to: null`, gives it back its group selector. The selector it had
 * before the first pin is saved in an annotation, so a console that restarts mid-switch, and
 * the inventory, still see both versions as one group. Idempotent.
 */
export async function pinService(
  client: KubeWriteClient,
  namespace: string,
  name: string,
  pin: PinLabel,
  to: 'stable' | 'candidate' | null,
): Promise<void> {
  const ref = serviceRef(namespace, name);
  const service = await client.get(ref);
  if (!service) return;
  const { live, group } = selectorsOf(service);
  const wanted = to === null ? group : { ...group, [pin.key]: pin[to] };
  const note = to === null ? null : JSON.stringify(group);
  const same =
    Object.keys(live).length === Object.keys(wanted).length &&
    Object.entries(wanted).every(([k, v]) => live[k] === v) &&
    (service.metadata.annotations?.[labels.groupSelector] ?? null) === note;
  if (same) return;
  // A merge patch merges maps: null removes a key the wanted selector does not have.
  const selector: Record<string, string | null> = { ...wanted };
  for (const key of Object.keys(live)) if (!(key in wanted)) selector[key] = null;
  await client.mergePatch(ref, {
    metadata: { annotations: { [labels.groupSelector]: note } },
    spec: { selector },
  });
}
