import type { Incident, IncidentEndpoint } from '../../shared/contract/incident.schema';
import type { RunbookSummary } from '../../shared/contract/runbook.schema';
import type { IncidentModuleDeps } from './incident-deps';

/** Endpoints asked about (critical first) and suggestions returned, at most. */
export const SUGGEST_ENDPOINTS = 5;
export const SUGGESTIONS = 5;
/** Runbook signals are read again after this long (a user may edit their runbooks folder). */
const SIGNALS_TTL_MS = 10_000;

/**
 * The names a runbook's `signals:` may use for each incident signal (runbook.relevance.ts
 * speaks of health reasons: replicas_not_ready, no_metrics; the demo's faults of gpu_xid).
 */
const aliases: Record<string, string[]> = {
  latency_p95: ['latency_p95', 'latency'],
  ttft_p95: ['ttft_p95', 'ttft'],
  error_rate: ['error_rate', 'errors'],
  queue_depth: ['queue_depth'],
  kv_cache_usage: ['kv_cache_usage'],
  no_data: ['no_data', 'no_metrics'],
  crash_loop: ['crash_loop', 'crashloop', 'replicas_not_ready'],
  gpu_fault: ['gpu_fault', 'gpu_xid', 'xid'],
};

const order: Record<IncidentEndpoint['health'], number> = { critical: 0, warning: 1, unknown: 2, ok: 3 };

/**
 * Runbooks that fit an incident's signals, each bound to the affected endpoint it fits best:
 * from the local runbook library only (runbooks.list / runbooks.get read files), so it answers
 * offline. Best first: more of the incident's signals matched, then the library's own relevance
 * for that endpoint's health now.
 */
export const runbookSuggester = (o: IncidentModuleDeps) => {
  const signalCache = new Map<string, { at: number; signals: string[] }>();

  const signalsOf = async (id: string): Promise<string[]> => {
    const now = Date.now();
    const cached = signalCache.get(id);
    if (cached && now - cached.at < SIGNALS_TTL_MS) return cached.signals;
    const runbook = await o.call('runbooks.get', { id }, 'fleetdeck');
    const signals = runbook.signals.map((s) => s.toLowerCase());
    signalCache.set(id, { at: now, signals });
    return signals;
  };

  /** The library's order and relevance for an endpoint; the plain list when it is gone from the fleet. */
  const listFor = async (endpointId: string): Promise<RunbookSummary[]> => {
    try {
      return (await o.call('runbooks.list', { endpointId }, 'fleetdeck')).runbooks;
    } catch {
      return (await o.call('runbooks.list', {}, 'fleetdeck')).runbooks;
    }
  };

  return async (incident: Pick<Incident, 'signals' | 'endpoints'>): Promise<Incident['suggestions']> => {
    const endpoints = [...incident.endpoints]
      .sort((a, b) => order[a.health] - order[b.health])
      .slice(0, SUGGEST_ENDPOINTS);
    if (endpoints.length === 0) return [];
    const best = new Map<
      string,
      { runbookId: string; title: string; why: string; endpointId: string; score: number; rank: number }
    >();
    for (const endpoint of endpoints) {
      const runbooks = await listFor(endpoint.id);
      for (const [rank, rb] of runbooks.entries()) {
        const theirs = await signalsOf(rb.id);
        const matched = incident.signals.filter((s) =>
          (aliases[s] ?? [s.toLowerCase()]).some((name) => theirs.includes(name)),
        );
        if (matched.length === 0 && rb.relevance === null) continue;
        const score = matched.length * 2 + (rb.relevance !== null ? 1 : 0);
        const previous = best.get(rb.id);
        if (previous && previous.score >= score) continue;
        best.set(rb.id, {
          runbookId: rb.id,
          title: rb.title,
          why: matched.length > 0 ? `matches ${matched.join(', ')}` : (rb.relevance ?? ''),
          endpointId: endpoint.id,
          score,
          rank,
        });
      }
    }
    return [...best.values()]
      .sort((a, b) => b.score - a.score || a.rank - b.rank)
      .slice(0, SUGGESTIONS)
      .map(({ runbookId, title, why, endpointId }) => ({ runbookId, title, why, endpointId }));
  };
};
