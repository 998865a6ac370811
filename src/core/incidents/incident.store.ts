import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type {
  IncidentEndpoint,
  IncidentSeverity,
  IncidentState,
  IncidentSummary,
  MetricSnapshot,
  TimelineEntry,
  TimelineKind,
} from '../../shared/contract/incident.schema';
import { FleetError } from '../../shared/errors/fleet-error';

interface IncidentRow {
  id: string;
  title: string;
  severity: string;
  state: string;
  origin: string;
  owner: string | null;
  group_key: string;
  signals: string;
  started_at: number;
  detected_at: number;
  acknowledged_at: number | null;
  mitigated_at: number | null;
  resolved_at: number | null;
  updated_at: number;
  entry_count: number;
  next_seq: number;
  postmortem: string | null;
  postmortem_at: number | null;
  imported_from: string | null;
}

interface EndpointRow {
  incident_id: string;
  endpoint_id: string;
  name: string;
  model: string;
  version: string;
  cluster: string;
  region: string;
  namespace: string | null;
  joined_at: number;
  health: string;
  reason: string;
}

interface EntryRow {
  incident_id: string;
  seq: number;
  at: number;
  kind: string;
  actor: string;
  endpoint_id: string | null;
  summary: string;
  detail: string;
  snapshot: string | null;
  ref: string | null;
}

/** What a new timeline entry carries; seq is given by the store. */
export interface NewEntry {
  at: number;
  kind: TimelineKind;
  actor: string;
  endpointId?: string | null;
  summary: string;
  detail?: TimelineEntry['detail'];
  snapshot?: MetricSnapshot | null;
  ref?: TimelineEntry['ref'];
}

export interface NewIncident {
  /** Given on import (the exported id); a new one otherwise. */
  id?: string;
  title: string;
  severity: IncidentSeverity;
  state?: IncidentState;
  origin: 'auto' | 'manual';
  owner?: string | null;
  groupKey: string;
  signals: string[];
  startedAt: number;
  detectedAt: number;
  acknowledgedAt?: number | null;
  mitigatedAt?: number | null;
  resolvedAt?: number | null;
  endpoints: IncidentEndpoint[];
  importedFrom?: string | null;
}

export type IncidentPatch = Partial<{
  title: string;
  severity: IncidentSeverity;
  state: IncidentState;
  owner: string | null;
  groupKey: string;
  signals: string[];
  startedAt: number;
  acknowledgedAt: number | null;
  mitigatedAt: number | null;
  resolvedAt: number | null;
}>;

export interface IncidentQuery {
  query?: string;
  state?: IncidentState[];
  severity?: IncidentSeverity[];
  endpointId?: string;
  model?: string;
  cluster?: string;
  from?: number;
  to?: number;
  active?: boolean;
  limit: number;
}

/** `inc-` and 8 hex digits: short enough to say on a call, unlikely to meet another machine's. */
export const newIncidentId = () => `inc-${randomBytes(4).toString('hex')}`;

const notFound = (id: string) =>
  new FleetError({
    code: 'not_found',
    message: `No incident "${id}"`,
    where: 'incidents',
    hint: 'incidents.list (or `fleetdeck incident list`) shows the incidents this console has.',
  });

const parseJson = <T>(text: string | null, fallback: T): T => {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

const toEndpoint = (r: EndpointRow): IncidentEndpoint => ({
  id: r.endpoint_id,
  name: r.name,
  model: r.model,
  version: r.version,
  cluster: r.cluster,
  region: r.region,
  namespace: r.namespace,
  joinedAt: r.joined_at,
  health: r.health as IncidentEndpoint['health'],
  reason: r.reason,
});

export const toEntry = (r: EntryRow): TimelineEntry => ({
  seq: r.seq,
  at: r.at,
  kind: r.kind as TimelineKind,
  actor: r.actor,
  endpointId: r.endpoint_id,
  summary: r.summary,
  detail: parseJson(r.detail, {}),
  snapshot: parseJson(r.snapshot, null),
  ref: parseJson(r.ref, null),
});

const uniq = (values: string[]) => [...new Set(values)].sort();

/**
 * The durable record of incidents (migration 9): the incident, its affected endpoints, its
 * timeline and (for imported incidents) the runs and transcripts it carries. Every write is
 * one transaction on the synchronous=FULL connection: an entry and the incident's counters go
 * to disk together, so a crash leaves an entry whole or absent, never partial.
 */
export class IncidentStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      incident: db.prepare<[string], IncidentRow>('SELECT * FROM incident WHERE id = ?'),
      endpoints: db.prepare<[string], EndpointRow>(
        'SELECT * FROM incident_endpoint WHERE incident_id = ? ORDER BY joined_at, endpoint_id',
      ),
      insertIncident: db.prepare(
        `INSERT INTO incident (id, title, severity, state, origin, owner, group_key, signals, started_at,
           detected_at, acknowledged_at, mitigated_at, resolved_at, updated_at, imported_from)
         VALUES (@id, @title, @severity, @state, @origin, @owner, @groupKey, @signals, @startedAt,
           @detectedAt, @acknowledgedAt, @mitigatedAt, @resolvedAt, @updatedAt, @importedFrom)`,
      ),
      upsertEndpoint: db.prepare(
        `INSERT INTO incident_endpoint (incident_id, endpoint_id, name, model, version, cluster, region,
           namespace, joined_at, health, reason)
         VALUES (@incidentId, @id, @name, @model, @version, @cluster, @region, @namespace, @joinedAt, @health, @reason)
         ON CONFLICT (incident_id, endpoint_id) DO UPDATE SET health = excluded.health, reason = excluded.reason`,
      ),
      nextSeq: db.prepare<[string], { next_seq: number }>('SELECT next_seq FROM incident WHERE id = ?'),
      insertEntry: db.prepare(
        `INSERT INTO incident_entry (incident_id, seq, at, kind, actor, endpoint_id, summary, detail, snapshot, ref)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      bumpCounters: db.prepare(
        'UPDATE incident SET next_seq = next_seq + 1, entry_count = entry_count + 1, updated_at = MAX(updated_at, ?) WHERE id = ?',
      ),
      entriesAfter: db.prepare<[string, number, number], EntryRow>(
        'SELECT * FROM incident_entry WHERE incident_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      newest: db.prepare<[string, number], EntryRow>(
        'SELECT * FROM (SELECT * FROM incident_entry WHERE incident_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq',
      ),
      activeForEndpoint: db.prepare<[string], IncidentRow>(
        `SELECT i.* FROM incident i JOIN incident_endpoint e ON e.incident_id = i.id
         WHERE e.endpoint_id = ? AND i.state != 'resolved' AND i.imported_from IS NULL
         ORDER BY i.detected_at DESC`,
      ),
      active: db.prepare<[], IncidentRow>(
        `SELECT * FROM incident WHERE state != 'resolved' AND imported_from IS NULL ORDER BY detected_at DESC`,
      ),
      savePostmortem: db.prepare('UPDATE incident SET postmortem = ?, postmortem_at = ? WHERE id = ?'),
      putArtifact: db.prepare(
        'INSERT OR REPLACE INTO incident_artifact (incident_id, kind, key, body) VALUES (?, ?, ?, ?)',
      ),
      artifact: db.prepare<[string, string, string], { body: string }>(
        'SELECT body FROM incident_artifact WHERE incident_id = ? AND kind = ? AND key = ?',
      ),
      artifacts: db.prepare<[string, string], { key: string; body: string }>(
        'SELECT key, body FROM incident_artifact WHERE incident_id = ? AND kind = ? ORDER BY key',
      ),
      remove: db.prepare('DELETE FROM incident WHERE id = ?'),
    };
  }

  private row(id: string): IncidentRow {
    const row = this.s.incident.get(id);
    if (!row) throw notFound(id);
    return row;
  }

  exists(id: string): boolean {
    return this.s.incident.get(id) !== undefined;
  }

  private toSummary(row: IncidentRow, endpoints = this.s.endpoints.all(row.id)): IncidentSummary {
    return {
      id: row.id,
      title: row.title,
      severity: row.severity as IncidentSeverity,
      state: row.state as IncidentState,
      origin: row.origin as 'auto' | 'manual',
      owner: row.owner,
      groupKey: row.group_key,
      signals: parseJson(row.signals, []),
      endpointCount: endpoints.length,
      endpointNames: endpoints.slice(0, 5).map((e) => e.name),
      models: uniq(endpoints.map((e) => e.model)),
      clusters: uniq(endpoints.map((e) => e.cluster)),
      startedAt: row.started_at,
      detectedAt: row.detected_at,
      acknowledgedAt: row.acknowledged_at,
      mitigatedAt: row.mitigated_at,
      resolvedAt: row.resolved_at,
      updatedAt: row.updated_at,
      entryCount: row.entry_count,
      importedFrom: row.imported_from,
    };
  }

  summary(id: string): IncidentSummary {
    return this.toSummary(this.row(id));
  }

  endpoints(id: string): IncidentEndpoint[] {
    this.row(id);
    return this.s.endpoints.all(id).map(toEndpoint);
  }

  postmortem(id: string): { markdown: string; at: number } | null {
    const row = this.row(id);
    return row.postmortem === null ? null : { markdown: row.postmortem, at: row.postmortem_at ?? 0 };
  }

  /** Creates the incident with its endpoints in one transaction; returns it. */
  create(input: NewIncident): IncidentSummary {
    const id = input.id ?? newIncidentId();
    this.db.transaction(() => {
      this.s.insertIncident.run({
        id,
        title: input.title,
        severity: input.severity,
        state: input.state ?? 'open',
        origin: input.origin,
        owner: input.owner ?? null,
        groupKey: input.groupKey,
        signals: JSON.stringify(uniq(input.signals)),
        startedAt: input.startedAt,
        detectedAt: input.detectedAt,
        acknowledgedAt: input.acknowledgedAt ?? null,
        mitigatedAt: input.mitigatedAt ?? null,
        resolvedAt: input.resolvedAt ?? null,
        updatedAt: input.detectedAt,
        importedFrom: input.importedFrom ?? null,
      });
      for (const e of input.endpoints) this.s.upsertEndpoint.run({ incidentId: id, ...e });
    })();
    return this.summary(id);
  }

  /** Adds an endpoint (or updates its health if it is already in). */
  upsertEndpoint(id: string, endpoint: IncidentEndpoint): void {
    this.row(id);
    this.s.upsertEndpoint.run({ incidentId: id, ...endpoint });
  }

  update(id: string, patch: IncidentPatch, at: number): IncidentSummary {
    const row = this.row(id);
    const columns: Record<keyof IncidentPatch, string> = {
      title: 'title',
      severity: 'severity',
      state: 'state',
      owner: 'owner',
      groupKey: 'group_key',
      signals: 'signals',
      startedAt: 'started_at',
      acknowledgedAt: 'acknowledged_at',
      mitigatedAt: 'mitigated_at',
      resolvedAt: 'resolved_at',
    };
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch) as Array<[keyof IncidentPatch, unknown]>) {
      if (value === undefined) continue;
      sets.push(`${columns[key]} = ?`);
      values.push(key === 'signals' ? JSON.stringify(uniq(value as string[])) : value);
    }
    sets.push('updated_at = MAX(updated_at, ?)');
    values.push(at);
    this.db.prepare(`UPDATE incident SET ${sets.join(', ')} WHERE id = ?`).run(...values, row.id);
    return this.summary(id);
  }

  /** Appends one entry: the row and the incident's counters in one transaction. */
  append(id: string, entry: NewEntry): TimelineEntry {
    return this.db.transaction(() => {
      const next = this.s.nextSeq.get(id);
      if (!next) throw notFound(id);
      const seq = next.next_seq;
      const row: EntryRow = {
        incident_id: id,
        seq,
        at: entry.at,
        kind: entry.kind,
        actor: entry.actor,
        endpoint_id: entry.endpointId ?? null,
        summary: entry.summary,
        detail: JSON.stringify(entry.detail ?? {}),
        snapshot: entry.snapshot ? JSON.stringify(entry.snapshot) : null,
        ref: entry.ref ? JSON.stringify(entry.ref) : null,
      };
      this.s.insertEntry.run(
        id,
        seq,
        row.at,
        row.kind,
        row.actor,
        row.endpoint_id,
        row.summary,
        row.detail,
        row.snapshot,
        row.ref,
      );
      this.s.bumpCounters.run(entry.at, id);
      return toEntry(row);
    })();
  }

  entriesAfter(id: string, afterSeq: number, limit: number): TimelineEntry[] {
    return this.s.entriesAfter.all(id, afterSeq, limit).map(toEntry);
  }

  /** The newest `limit` entries, oldest first. */
  newestEntries(id: string, limit: number): TimelineEntry[] {
    return this.s.newest.all(id, limit).map(toEntry);
  }

  /** Active (not resolved) local incidents that include the endpoint, newest first. */
  activeForEndpoint(endpointId: string): IncidentSummary[] {
    return this.s.activeForEndpoint.all(endpointId).map((r) => this.toSummary(r));
  }

  /** Active (not resolved) local incidents, newest first. */
  active(): IncidentSummary[] {
    return this.s.active.all().map((r) => this.toSummary(r));
  }

  list(q: IncidentQuery): IncidentSummary[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (q.state?.length) {
      where.push(`i.state IN (${q.state.map(() => '?').join(',')})`);
      values.push(...q.state);
    }
    if (q.severity?.length) {
      where.push(`i.severity IN (${q.severity.map(() => '?').join(',')})`);
      values.push(...q.severity);
    }
    if (q.active) where.push(`i.state != 'resolved'`);
    if (q.from !== undefined) {
      where.push('i.started_at >= ?');
      values.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('i.started_at < ?');
      values.push(q.to);
    }
    const endpointFilter: Array<[string, string | undefined]> = [
      ['endpoint_id', q.endpointId],
      ['model', q.model],
      ['cluster', q.cluster],
    ];
    for (const [column, value] of endpointFilter) {
      if (value === undefined) continue;
      where.push(`EXISTS (SELECT 1 FROM incident_endpoint e WHERE e.incident_id = i.id AND e.${column} = ?)`);
      values.push(value);
    }
    const text = q.query?.trim();
    if (text) {
      // Every word must appear somewhere: title, owner, an endpoint's names, or a timeline entry.
      for (const word of text.split(/\s+/)) {
        const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        where.push(`(i.id LIKE ? ESCAPE '\\' OR i.title LIKE ? ESCAPE '\\' OR i.owner LIKE ? ESCAPE '\\'
          OR EXISTS (SELECT 1 FROM incident_endpoint e WHERE e.incident_id = i.id AND
            (e.endpoint_id LIKE ? ESCAPE '\\' OR e.model LIKE ? ESCAPE '\\' OR e.cluster LIKE ? ESCAPE '\\' OR e.region LIKE ? ESCAPE '\\'))
          OR EXISTS (SELECT 1 FROM incident_entry t WHERE t.incident_id = i.id AND t.summary LIKE ? ESCAPE '\\'))`);
        values.push(like, like, like, like, like, like, like, like);
      }
    }
    const sql = `SELECT i.* FROM incident i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY i.started_at DESC LIMIT ?`;
    const rows = this.db.prepare<unknown[], IncidentRow>(sql).all(...values, q.limit);
    return rows.map((r) => this.toSummary(r));
  }

  savePostmortem(id: string, markdown: string, at: number): void {
    this.row(id);
    this.s.savePostmortem.run(markdown, at, id);
  }

  putArtifact(id: string, kind: 'run' | 'transcript', key: string, body: unknown): void {
    this.s.putArtifact.run(id, kind, key, JSON.stringify(body));
  }

  artifact<T>(id: string, kind: 'run' | 'transcript', key: string): T | null {
    const row = this.s.artifact.get(id, kind, key);
    return row ? parseJson<T | null>(row.body, null) : null;
  }

  artifacts<T>(id: string, kind: 'run' | 'transcript'): T[] {
    return this.s.artifacts.all(id, kind).map((r) => JSON.parse(r.body) as T);
  }

  /** Runs `fn` in one transaction (an import writes everything or nothing). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  remove(id: string): void {
    this.s.remove.run(id);
  }
}
