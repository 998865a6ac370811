import type { IncidentChange, IncidentSummary } from '../contract/incident.schema';
import type { Settings } from '../contract/settings.schema';

/**
 * Which incident changes become a notification (issue 7, "Desktop notifications for new and
 * escalating incidents ... with a do-not-disturb setting"). Pure, with time passed in, so the
 * desktop host (an Electron `Notification`) and the console (the browser Notification API)
 * decide alike and the rules are tested without either.
 *
 * Rules:
 * - only `opened` and `escalated` notify; updates and resolutions stay in the timeline, and an
 *   imported incident (history from another machine) never notifies;
 * - do-not-disturb holds every one (the incident still has it in its timeline);
 * - at most one notification per incident per minute, so a flapping incident is one alert;
 * - a burst (a regional outage opening several incidents at once) shows the first few on their
 *   own and the rest as one summary once the burst window ends, rather than a stack of toasts.
 */

export interface IncidentNotice {
  title: string;
  body: string;
  /** The incident to open on click; null for a summary (open the incidents list). */
  incidentId: string | null;
  /** Where a click takes the person: `#/incidents/<id>`, or `#/incidents` for a summary. */
  hash: string;
  /** The incidents this notice speaks for (one, or the summary's). */
  incidentIds: string[];
}

export type NoticeDecision =
  | { action: 'show'; notice: IncidentNotice }
  /** Not worth a notification (updated, resolved, imported). */
  | { action: 'ignore'; reason: 'not-notable' }
  /** Do-not-disturb is on. */
  | { action: 'hold'; reason: 'do-not-disturb' }
  /** This incident was notified less than `perIncidentMs` ago. */
  | { action: 'drop'; reason: 'recently-notified' }
  /** Part of a burst: it will be in the summary `flush` returns at `dueAt`. */
  | { action: 'defer'; reason: 'burst'; dueAt: number };

export interface NotificationRules {
  /** One notification per incident per this long (1 minute). */
  perIncidentMs: number;
  /** Notices shown within this window count as one burst (10 s). */
  burstWindowMs: number;
  /** Shown individually in a burst before the rest wait for the summary (3). */
  burstLimit: number;
}

export const defaultNotificationRules: NotificationRules = {
  perIncidentMs: 60_000,
  burstWindowMs: 10_000,
  burstLimit: 3,
};

const severityWord = (s: IncidentSummary['severity']): string => s.toUpperCase();

export const incidentHash = (id: string): string => `#/incidents/${encodeURIComponent(id)}`;

/** "llama-70b-chat, mistral-7b +3 more (us-east-1a)": who is hurt, in one line. */
export function endpointsLine(incident: IncidentSummary): string {
  const names = incident.endpointNames;
  const more = incident.endpointCount - names.length;
  const who =
    names.length === 0
      ? incident.endpointCount === 0
        ? 'No endpoints yet'
        : `${incident.endpointCount} endpoints`
      : `${names.join(', ')}${more > 0 ? ` +${more} more` : ''}`;
  return incident.clusters.length ? `${who} (${incident.clusters.join(', ')})` : who;
}

export function noticeFor(change: IncidentChange): IncidentNotice {
  const { incident } = change;
  const lead = change.change === 'escalated' ? 'Escalated: ' : '';
  return {
    title: `${lead}${severityWord(incident.severity)} · ${incident.title}`,
    body: endpointsLine(incident),
    incidentId: incident.id,
    hash: incidentHash(incident.id),
    incidentIds: [incident.id],
  };
}

function summaryOf(changes: IncidentChange[]): IncidentNotice {
  const worst = changes
    .map((c) => c.incident.severity)
    .sort()
    .at(0)!;
  const titles = changes.map((c) => c.incident.title);
  const shown = titles.slice(0, 3).join('; ');
  return {
    title: `${changes.length} more incidents (worst ${severityWord(worst)})`,
    body: titles.length > 3 ? `${shown}; +${titles.length - 3} more` : shown,
    incidentId: null,
    hash: '#/incidents',
    incidentIds: changes.map((c) => c.incident.id),
  };
}

export interface IncidentNotifier {
  /** One `incidents.changed` payload; `now` in ms. */
  offer(change: IncidentChange, mode: Settings['notifications'], now: number): NoticeDecision;
  /** When a burst summary is waiting: the time to call `flush`; null when nothing waits. */
  dueAt(): number | null;
  /** The burst summary (or the one waiting notice) once due; null before then or when none waits. */
  flush(now: number, mode: Settings['notifications']): IncidentNotice | null;
}

export function createIncidentNotifier(
  rules: NotificationRules = defaultNotificationRules,
): IncidentNotifier {
  const lastShown = new Map<string, number>();
  let recent: number[] = [];
  const waiting = new Map<string, IncidentChange>();
  let due: number | null = null;

  const remember = (ids: string[], now: number) => {
    for (const id of ids) lastShown.set(id, now);
    recent.push(now);
    // Forget what no rule looks at any more, so a long-running host does not grow.
    for (const [id, at] of lastShown) if (now - at >= rules.perIncidentMs) lastShown.delete(id);
  };

  return {
    offer(change, mode, now) {
      // An imported incident is someone else's history (docs/incidents.md): it never notifies.
      if (
        (change.change !== 'opened' && change.change !== 'escalated') ||
        change.incident.importedFrom !== null
      )
        return { action: 'ignore', reason: 'not-notable' };
      if (mode === 'do-not-disturb') return { action: 'hold', reason: 'do-not-disturb' };
      const id = change.incident.id;
      const last = lastShown.get(id);
      if ((last !== undefined && now - last < rules.perIncidentMs) || waiting.has(id)) {
        // A waiting one keeps its place in the summary, with the newest facts.
        if (waiting.has(id)) waiting.set(id, change);
        return { action: 'drop', reason: 'recently-notified' };
      }
      recent = recent.filter((at) => now - at < rules.burstWindowMs);
      if (recent.length >= rules.burstLimit || due !== null) {
        waiting.set(id, change);
        due ??= now + rules.burstWindowMs;
        return { action: 'defer', reason: 'burst', dueAt: due };
      }
      remember([id], now);
      return { action: 'show', notice: noticeFor(change) };
    },
    dueAt: () => due,
    flush(now, mode) {
      if (due === null || now < due) return null;
      const changes = [...waiting.values()];
      waiting.clear();
      due = null;
      // Do-not-disturb switched on while they waited: hold them like any other.
      if (changes.length === 0 || mode === 'do-not-disturb') return null;
      const notice = changes.length === 1 ? noticeFor(changes[0]!) : summaryOf(changes);
      remember(notice.incidentIds, now);
      return notice;
    },
  };
}
