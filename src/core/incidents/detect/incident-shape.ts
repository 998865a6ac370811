import type { Endpoint } from '../../../shared/contract/fleet.schema';
import type { IncidentEndpoint, IncidentSeverity } from '../../../shared/contract/incident.schema';
import { signalWords } from './incident-signals';

type Affected = Pick<IncidentEndpoint, 'name' | 'model' | 'region' | 'cluster' | 'namespace'>;

const distinct = (values: string[]) => [...new Set(values)];

/** Prod-like: a cluster or namespace named prod / production (not preprod). */
export const isProdLike = (e: Pick<Endpoint, 'cluster' | 'namespace'>) =>
  [e.cluster, e.namespace ?? ''].some((name) => /(^|[-_.])prod(uction)?($|[-_.])/i.test(name));

/** At this many affected endpoints an incident is sev1 wherever they are. */
export const SEV1_ENDPOINTS = 5;

/**
 * Severity, by a rule simple enough to check by eye:
 * - sev1 when SEV1_ENDPOINTS or more endpoints are affected, or when a model has no healthy
 *   prod-like endpoint left (every prod endpoint serving it is in the incident: customers
 *   cannot use it);
 * - sev2 otherwise.
 * `fleet` is every endpoint known now (scaled-to-zero ones do not serve, so do not count).
 */
export function severityFor(
  affected: ReadonlyArray<Pick<IncidentEndpoint, 'id' | 'model' | 'cluster' | 'namespace'>>,
  fleet: ReadonlyArray<Pick<Endpoint, 'id' | 'model' | 'cluster' | 'namespace' | 'replicas'>>,
): IncidentSeverity {
  if (affected.length >= SEV1_ENDPOINTS) return 'sev1';
  const ids = new Set(affected.map((e) => e.id));
  for (const model of distinct(affected.filter(isProdLike).map((e) => e.model))) {
    const serving = fleet.filter((e) => e.model === model && isProdLike(e) && e.replicas.desired > 0);
    if (serving.length > 0 && serving.every((e) => ids.has(e.id))) return 'sev1';
  }
  return 'sev2';
}

/** "region us-east-1" when they share one, else "model <m>", else the regions. */
export function groupKeyFor(affected: readonly Affected[]): string {
  const regions = distinct(affected.map((e) => e.region));
  if (regions.length === 1) return `region ${regions[0]}`;
  const models = distinct(affected.map((e) => e.model));
  if (models.length === 1) return `model ${models[0]}`;
  return `regions ${regions.sort().join(', ')}`;
}

/**
 * A title in words: "llama-70b-chat p95 latency critical in us-east-1" for one endpoint,
 * "3 endpoints critical in eu-west-1" for several in one region, "mixtral-8x7b critical on
 * 4 endpoints in 2 regions" for one model across regions.
 */
export function titleFor(affected: readonly Affected[], signals: readonly string[]): string {
  const regions = distinct(affected.map((e) => e.region));
  const where = regions.length === 1 ? `in ${regions[0]}` : `in ${regions.length} regions`;
  if (affected.length === 1) {
    // In a fixed order (the store keeps signals sorted by name): the same signals, the same title.
    const words = Object.keys(signalWords)
      .filter((s) => signals.includes(s))
      .map((s) => signalWords[s])
      .filter(Boolean)
      .slice(0, 2)
      .join(' and ');
    return `${affected[0]!.name}${words ? ` ${words}` : ''} critical ${where}`;
  }
  const models = distinct(affected.map((e) => e.model));
  if (models.length === 1 && regions.length > 1)
    return `${models[0]} critical on ${affected.length} endpoints ${where}`;
  return `${affected.length} endpoints critical ${where}`;
}
