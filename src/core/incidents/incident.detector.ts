import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { EventPayload } from '../../shared/contract/index';
import type { IncidentEndpoint, IncidentSummary } from '../../shared/contract/incident.schema';
import { metricInfo } from '../../shared/fleet/metrics';
import { SloBook } from '../fleet/slo-book';
import type { IncidentModuleDeps } from './incident-deps';
import { incidentEndpointOf } from './incident.commands';
import { isWorse } from './incident.service';
import { placeCritical, type GroupTarget } from './detect/incident-grouping';
import { groupKeyFor, severityFor, titleFor } from './detect/incident-shape';
import { signalsOf } from './detect/incident-signals';
import { takeSnapshots } from './detect/metric-snapshots';

/** How often mitigated incidents are checked for resolving when no fleet tick comes. */
const RESOLVE_CHECK_MS = 30_000;

/** What the detector keeps of an active incident; rebuilt from the store on start. */
interface Tracked {
  id: string;
  origin: 'auto' | 'manual';
  state: IncidentSummary['state'];
  signals: Set<string>;
  endpoints: Map<string, IncidentEndpoint>;
  /** Since when no affected endpoint has been critical (null while one is). */
  clearSince: number | null;
}

type SnapshotEvent = 'opening' | 'joining' | 'mitigation';

const REMOVED = 'removed from the fleet';

/**
 * Recovered: ok or warning, or gone from the fleet (it serves no one). Unknown is not: when the
 * sources go quiet (the network is down) nothing is known to be better, so nothing is mitigated.
 */
const recovered = (e: Pick<IncidentEndpoint, 'health' | 'reason'>) =>
  e.health === 'ok' || e.health === 'warning' || (e.health === 'unknown' && e.reason === REMOVED);
const calm = (endpoints: Iterable<IncidentEndpoint>) => [...endpoints].every(recovered);

/**
 * Opens incidents when an endpoint's health turns critical and groups them (one regional
 * outage is one incident), follows the affected endpoints' health into the timeline, and moves
 * automatic incidents by themselves: mitigated once every affected endpoint has recovered, reopened
 * on a relapse, resolved after `incidentResolveMinutes` of calm. Its state is the store's: on
 * start it reads the active incidents back, so a restart carries on where it stopped.
 */
export function createIncidentDetector(o: IncidentModuleDeps): { start(): void; close(): void } {
  const store = o.incidents.store;
  const slos = new SloBook(o.db);
  const tracked = new Map<string, Tracked>();
  const byEndpoint = new Map<string, string>();
  let off: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;

  /** Reads one incident back from the store into the indexes (or drops it once resolved). */
  const refresh = (id: string) => {
    const previous = tracked.get(id);
    for (const [endpointId, incidentId] of byEndpoint) if (incidentId === id) byEndpoint.delete(endpointId);
    tracked.delete(id);
    if (!store.exists(id)) return;
    const summary = store.summary(id);
    if (summary.state === 'resolved' || summary.importedFrom) return;
    const endpoints = new Map(store.endpoints(id).map((e) => [e.id, e]));
    tracked.set(id, {
      id,
      origin: summary.origin,
      state: summary.state,
      signals: new Set(summary.signals),
      endpoints,
      clearSince: calm(endpoints.values())
        ? (previous?.clearSince ?? summary.mitigatedAt ?? summary.updatedAt)
        : null,
    });
    for (const endpointId of endpoints.keys())
      if (!byEndpoint.has(endpointId)) byEndpoint.set(endpointId, id);
  };

  const snapshot = (id: string, endpoints: IncidentEndpoint[], event: SnapshotEvent, at: number) => {
    slos.reload();
    const taken = takeSnapshots({
      metrics: o.metrics,
      slos: slos.all(),
      endpoints,
      signals: [...(tracked.get(id)?.signals ?? [])],
      now: at,
    });
    const who = endpoints.length === 1 ? endpoints[0]!.name : `${endpoints.length} endpoints`;
    for (const s of taken) {
      o.incidents.record(id, {
        at,
        kind: 'snapshot',
        actor: 'fleetdeck',
        endpointId: endpoints.length === 1 ? endpoints[0]!.id : null,
        summary: `${metricInfo[s.metric].label} of ${who}, 30 min up to the ${event}`,
        detail: { event, metric: s.metric, endpoints: s.series.length },
        snapshot: s,
      });
    }
  };

  const open = (group: Endpoint[], at: number) => {
    const endpoints = group.map((e) => incidentEndpointOf(e, at));
    const signals = [...new Set(group.flatMap(signalsOf))];
    const first = group[0]!;
    const incident = o.incidents.open(
      {
        title: titleFor(endpoints, signals),
        severity: severityFor(endpoints, o.fleet.all()),
        origin: 'auto',
        groupKey: groupKeyFor(endpoints),
        signals,
        startedAt: Math.min(...group.map((e) => e.health.since ?? at)),
        detectedAt: at,
        endpoints,
      },
      {
        actor: 'fleetdeck',
        summary:
          group.length === 1
            ? `Opened: ${first.name} turned critical (${first.health.reason})`
            : `Opened: ${titleFor(endpoints, signals)}`,
      },
    );
    refresh(incident.id);
    // One transaction (one sync to disk) for a region's worth of entries, not one each.
    store.transaction(() => {
      for (const e of group) healthEntry(incident.id, e, at, { joined: true });
    });
    snapshot(incident.id, endpoints, 'opening', at);
  };

  const join = (id: string, group: Endpoint[], at: number) => {
    const before = store.summary(id);
    const old = store.endpoints(id);
    const joined = group.map((e) => incidentEndpointOf(e, at));
    const all = [...old, ...joined];
    const signals = [...new Set([...before.signals, ...group.flatMap(signalsOf)])];
    // A title a person wrote stays; the detector's own title follows the endpoints.
    const ownTitle = before.title === titleFor(old, before.signals);
    store.update(
      id,
      {
        signals,
        // A person's incident keeps its own grouping ("manual"); the detector's follows its endpoints.
        ...(before.origin === 'auto' ? { groupKey: groupKeyFor(all) } : {}),
        startedAt: Math.min(before.startedAt, ...group.map((e) => e.health.since ?? at)),
        ...(ownTitle ? { title: titleFor(all, signals) } : {}),
      },
      at,
    );
    store.transaction(() => {
      for (const [i, e] of group.entries())
        o.incidents.join(id, joined[i]!, `${e.name} turned critical and joined: ${e.health.reason}`);
    });
    refresh(id);
    const severity = severityFor(all, o.fleet.all());
    if (isWorse(severity, before.severity)) o.incidents.edit(id, { severity }, 'fleetdeck');
    const t = tracked.get(id);
    if (t?.state === 'mitigated' && t.origin === 'auto') {
      o.incidents.transition(id, 'reopen', 'fleetdeck', `${group[0]!.name} turned critical`);
      refresh(id);
    }
    snapshot(id, joined, 'joining', at);
  };

  const healthEntry = (
    id: string,
    e: Pick<Endpoint, 'id' | 'name' | 'health'>,
    at: number,
    extra: { from?: string; joined?: boolean },
  ) => {
    const verb = e.health.status === 'critical' ? 'turned critical' : `is ${e.health.status} now`;
    o.incidents.record(id, {
      at,
      kind: 'health',
      actor: 'fleetdeck',
      endpointId: e.id,
      summary: `${e.name} ${verb}: ${e.health.reason}`,
      detail: { status: e.health.status, reason: e.health.reason, ...extra },
    });
  };

  /** An affected endpoint's record came in: its health changes go to the timeline. */
  const follow = (id: string, e: Pick<Endpoint, 'id' | 'name' | 'health' | 'metrics'>, at: number) => {
    const t = tracked.get(id)!;
    const known = t.endpoints.get(e.id)!;
    if (e.health.status === 'critical') {
      const fresh = signalsOf(e).filter((s) => !t.signals.has(s));
      if (fresh.length > 0) {
        const endpoints = [...t.endpoints.values()];
        const signals = [...t.signals, ...fresh];
        const ownTitle = store.summary(id).title === titleFor(endpoints, [...t.signals]);
        store.update(id, { signals, ...(ownTitle ? { title: titleFor(endpoints, signals) } : {}) }, at);
        for (const s of fresh) t.signals.add(s);
      }
    }
    const gone = e.health.reason === REMOVED && known.reason !== REMOVED;
    if (known.health === e.health.status && !gone) return false;
    store.upsertEndpoint(id, { ...known, health: e.health.status, reason: e.health.reason });
    healthEntry(id, e, at, { from: known.health });
    if (e.health.status === 'critical' && t.state === 'mitigated' && t.origin === 'auto')
      o.incidents.transition(id, 'reopen', 'fleetdeck', `${e.name} turned critical again`);
    refresh(id);
    return true;
  };

  /** Every affected endpoint has recovered (ok or warning): mitigated, with the recovery charted. */
  const settle = (id: string, at: number) => {
    const t = tracked.get(id);
    if (!t || t.endpoints.size === 0) return;
    if (!calm(t.endpoints.values())) {
      t.clearSince = null;
      return;
    }
    t.clearSince ??= at;
    if (t.origin !== 'auto' || (t.state !== 'open' && t.state !== 'acknowledged')) return;
    o.incidents.transition(
      id,
      'mitigate',
      'fleetdeck',
      'health recovered: every affected endpoint is ok or warning',
    );
    refresh(id);
    tracked.get(id)!.clearSince = at;
    snapshot(id, [...t.endpoints.values()], 'mitigation', at);
  };

  /** Mitigated automatic incidents that stayed calm for incidentResolveMinutes resolve. */
  const resolveCalm = (at: number) => {
    const minutes = o.settings.get().incidentResolveMinutes;
    if (minutes <= 0) return;
    for (const t of [...tracked.values()]) {
      if (t.origin !== 'auto' || t.state !== 'mitigated' || t.clearSince === null) continue;
      if (at - t.clearSince < minutes * 60_000) continue;
      o.incidents.transition(
        t.id,
        'resolve',
        'fleetdeck',
        `no affected endpoint has been critical for ${minutes} min`,
      );
      refresh(t.id);
    }
  };

  const onDelta = (delta: EventPayload<'fleet.delta'>) => {
    const at = o.now();
    const critical: Endpoint[] = [];
    const touched = new Set<string>();
    for (const e of delta.upserted) {
      const id = byEndpoint.get(e.id);
      if (id !== undefined) {
        if (follow(id, e, at)) touched.add(id);
      } else if (e.health.status === 'critical') critical.push(e);
    }
    for (const gone of delta.removed) {
      const id = byEndpoint.get(gone);
      const known = id === undefined ? undefined : tracked.get(id)?.endpoints.get(gone);
      if (id === undefined || !known || known.reason === REMOVED) continue;
      const health = { status: 'unknown' as const, reason: REMOVED, since: at };
      if (follow(id, { id: gone, name: known.name, health, metrics: {} }, at)) touched.add(id);
    }
    if (critical.length > 0) {
      const targets: GroupTarget[] = [...tracked.values()].map((t) => {
        const endpoints = [...t.endpoints.values()];
        return {
          id: t.id,
          regions: new Set(endpoints.map((e) => e.region)),
          models: new Set(endpoints.map((e) => e.model)),
          lastJoinAt: Math.max(0, ...endpoints.map((e) => e.joinedAt)),
        };
      });
      const windowMs = o.settings.get().incidentGroupMinutes * 60_000;
      for (const p of placeCritical(critical, targets, at, windowMs)) {
        if (p.kind === 'open') open(p.endpoints, at);
        else join(p.incidentId, p.endpoints, at);
      }
    }
    for (const id of touched) settle(id, at);
    resolveCalm(at);
  };

  const guard = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      o.log.error('incident detector failed', { what, error: (error as Error).stack ?? String(error) });
    }
  };

  return {
    start() {
      for (const s of store.active()) refresh(s.id);
      off = o.bus.subscribe((m) => {
        if (m.event === 'fleet.delta')
          guard('fleet.delta', () => onDelta(m.payload as EventPayload<'fleet.delta'>));
        // A person opened, moved or resolved one: read it back (the detector's own writes too; harmless).
        else if (m.event === 'incidents.changed') {
          const { incident } = m.payload as EventPayload<'incidents.changed'>;
          const t = tracked.get(incident.id);
          if (!t || t.state !== incident.state || incident.endpointCount !== t.endpoints.size)
            guard('incidents.changed', () => refresh(incident.id));
        }
      });
      timer = setInterval(() => guard('resolve', () => resolveCalm(o.now())), RESOLVE_CHECK_MS);
      timer.unref();
    },
    close() {
      off?.();
      off = null;
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
