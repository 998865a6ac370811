import type Database from 'better-sqlite3';
import type { IncidentSummary, Reliability } from '../../../shared/contract/incident.schema';
import type { IncidentStore } from '../incident.store';
import { incidentDurations } from './postmortem-draft';

const WEEK_MS = 7 * 86_400_000;

/** Monday 00:00 UTC of the week holding `at`. UTC, not local: the same figures on every machine. */
export function weekStartUtc(at: number): number {
  const day = new Date(at);
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return midnight - sinceMonday * 86_400_000;
}

type Interval = [number, number];

const healthOf = (detail: Record<string, unknown>): string | null => {
  for (const key of ['status', 'health', 'to']) {
    const v = detail[key];
    if (v === 'ok' || v === 'warning' || v === 'critical' || v === 'unknown') return v;
  }
  return null;
};

/** Overlapping intervals merged, so two endpoints of a model critical at once count once. */
function union(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length / 1000;

/**
 * Fleet reliability over [from, to) from the incident record alone (so it works offline and on
 * imported incidents). See docs/incidents.md, "Reliability figures", for the definitions:
 * - weeks start Monday 00:00 UTC; an incident counts in the week (and window) it started in;
 * - MTTD / MTTM / MTTR are means of detected / mitigated / resolved minus started, over the
 *   incidents that reached that point;
 * - SLO attainment of a model = 1 − (time any of its endpoints was critical in an incident,
 *   overlaps counted once) / window length. An endpoint is critical from when impact started
 *   (auto incidents; for a later joiner, from when it joined) or a health entry saying
 *   critical, until a health entry saying otherwise, the incident's mitigation or resolution,
 *   or now. Time outside any incident counts as met: the record knows nothing else.
 */
export function reliabilityFigures(
  db: Database.Database,
  store: IncidentStore,
  window: { from: number; to: number },
  now: number,
  fleetModels: readonly string[],
): Reliability {
  const { from, to } = window;
  const ids = db
    .prepare<[number, number], { id: string }>(
      `SELECT id FROM incident WHERE started_at < ? AND (resolved_at IS NULL OR resolved_at > ?) ORDER BY started_at`,
    )
    .all(to, from)
    .map((r) => r.id);
  const incidents = ids.map((id) => store.summary(id));

  const started = incidents.filter((i) => i.startedAt >= from && i.startedAt < to);
  const figures = (list: IncidentSummary[]) => {
    const d = list.map(incidentDurations);
    return {
      incidents: list.length,
      mttdS: mean(d.map((x) => x.ttd).filter((v): v is number => v !== null)),
      mttmS: mean(d.map((x) => x.ttm).filter((v): v is number => v !== null)),
      mttrS: mean(d.map((x) => x.ttr).filter((v): v is number => v !== null)),
    };
  };
  const weeks: Reliability['weeks'] = [];
  for (let weekStart = weekStartUtc(from); weekStart < to; weekStart += WEEK_MS) {
    const inWeek = started.filter((i) => i.startedAt >= weekStart && i.startedAt < weekStart + WEEK_MS);
    weeks.push({ weekStart, ...figures(inWeek) });
  }

  const critical = new Map<string, Interval[]>();
  for (const model of fleetModels) critical.set(model, []);
  const healthRows = db.prepare<
    [string],
    { at: number; seq: number; endpoint_id: string | null; detail: string }
  >(
    `SELECT at, seq, endpoint_id, detail FROM incident_entry WHERE incident_id = ? AND kind = 'health' ORDER BY seq`,
  );
  for (const i of incidents) {
    const end = Math.min(i.resolvedAt ?? now, now);
    const rows = healthRows.all(i.id);
    for (const ep of store.endpoints(i.id)) {
      const changes: Array<{ at: number; critical: boolean }> = [];
      for (const row of rows) {
        if (row.endpoint_id !== ep.id) continue;
        let detail: Record<string, unknown> = {};
        try {
          detail = JSON.parse(row.detail) as Record<string, unknown>;
        } catch {
          continue;
        }
        const status = healthOf(detail);
        if (status) changes.push({ at: row.at, critical: status === 'critical' });
      }
      if (i.mitigatedAt !== null) changes.push({ at: i.mitigatedAt, critical: false });
      changes.sort((a, b) => a.at - b.at);
      const intervals = critical.get(ep.model) ?? [];
      critical.set(ep.model, intervals);
      let since: number | null =
        i.origin === 'auto' ? (ep.joinedAt <= i.detectedAt ? i.startedAt : ep.joinedAt) : null;
      for (const c of changes) {
        if (c.critical && since === null) since = c.at;
        else if (!c.critical && since !== null) {
          intervals.push([since, c.at]);
          since = null;
        }
      }
      if (since !== null) intervals.push([since, end]);
    }
  }
  const length = Math.max(1, to - from);
  const sloAttainment = [...critical.entries()]
    .map(([model, intervals]) => {
      const clipped = intervals
        .map(([s, e]): Interval => [Math.max(s, from), Math.min(e, to)])
        .filter(([s, e]) => e > s);
      const breachMs = union(clipped).reduce((sum, [s, e]) => sum + (e - s), 0);
      return { model, attainment: Math.min(1, Math.max(0, 1 - breachMs / length)), breachS: breachMs / 1000 };
    })
    .sort((a, b) => a.attainment - b.attainment || a.model.localeCompare(b.model));

  return { from, to, weeks, totals: figures(started), sloAttainment };
}
