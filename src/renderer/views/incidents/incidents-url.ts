import {
  incidentSeveritySchema,
  incidentStateSchema,
  type IncidentSeverity,
  type IncidentState,
} from '../../../shared/contract/index';
import { hashQuery } from '../endpoints/url-state';
import type { IncidentListQuery } from '../../stores/incidents.slice';

/**
 * The incidents list keeps its search in the address, like the run history and rollouts, so
 * reload, Back and a pasted link land on the same results:
 * `#/incidents?q=..&state=open&severity=sev1&model=..&cluster=..&from=2026-01-01&to=2026-01-31`.
 */
export interface IncidentFilter {
  q: string;
  state: IncidentState | '';
  severity: IncidentSeverity | '';
  model: string;
  cluster: string;
  /** YYYY-MM-DD (local), as a date input holds it. */
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseIncidentFilter(hash: string): IncidentFilter {
  const p = hashQuery(hash);
  const state = incidentStateSchema.safeParse(p.get('state'));
  const severity = incidentSeveritySchema.safeParse(p.get('severity'));
  const day = (key: string) => {
    const v = p.get(key) ?? '';
    return DAY.test(v) ? v : '';
  };
  return {
    q: p.get('q') ?? '',
    state: state.success ? state.data : '',
    severity: severity.success ? severity.data : '',
    model: p.get('model') ?? '',
    cluster: p.get('cluster') ?? '',
    from: day('from'),
    to: day('to'),
  };
}

export function incidentListHash(f: IncidentFilter): string {
  const entries = Object.entries(f).filter(([, v]) => v.length > 0) as Array<[string, string]>;
  const query = new URLSearchParams(entries).toString();
  return query ? `#/incidents?${query}` : '#/incidents';
}

/** Local midnight of a YYYY-MM-DD day, plus `days`. */
const dayStart = (day: string, days = 0): number => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + days).getTime();
};

/** The core's search for a filter; the date range is whole local days, both ends included. */
export function listQueryOf(f: IncidentFilter): IncidentListQuery {
  return {
    ...(f.q.trim() ? { query: f.q.trim() } : {}),
    ...(f.state ? { state: [f.state] } : {}),
    ...(f.severity ? { severity: [f.severity] } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(f.cluster ? { cluster: f.cluster } : {}),
    ...(f.from ? { from: dayStart(f.from) } : {}),
    ...(f.to ? { to: dayStart(f.to, 1) - 1 } : {}),
  };
}

export const isFiltered = (f: IncidentFilter): boolean => Object.values(f).some((v) => v.length > 0);

/** The one id in `#/incidents/<id>`, decoded; null for the list. */
export function incidentIdOf(hash: string): string | null {
  const segments = (hash.replace(/^#/, '').split('?')[0] ?? '').split('/').filter((s) => s.length > 0);
  if (segments.length !== 2 || segments[0] !== 'incidents' || !segments[1]) return null;
  try {
    return decodeURIComponent(segments[1]);
  } catch {
    return segments[1];
  }
}

/** `#/incidents/<id>?tab=postmortem`: the detail page's tab. */
export const incidentTabOf = (hash: string): 'timeline' | 'postmortem' =>
  hashQuery(hash).get('tab') === 'postmortem' ? 'postmortem' : 'timeline';
