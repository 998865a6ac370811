import type { IncidentChange, Settings } from '../../../shared/contract/index';
import { incidentHash } from '../../stores/incidents.slice';
import { severityWords } from './incident-words';

export interface NotifyContext {
  /** settings.notifications; null until settings are read (nothing is shown before). */
  notifications: Settings['notifications'] | null;
  /** 'desktop' in Electron, whose main process shows native notifications itself (issue 7). */
  host: 'desktop' | 'console' | null;
  /** Notification.permission, or 'unsupported' where the API is missing. */
  permission: NotificationPermission | 'unsupported';
}

/**
 * Whether a change deserves a browser notification, and its words. Only new and escalating
 * incidents interrupt a person (issue 7); updates and resolutions stay in the timeline. The
 * desktop host is skipped: its main process shows a native one, and two would be noise.
 */
export function notificationFor(
  change: IncidentChange,
  ctx: NotifyContext,
): { title: string; body: string; tag: string } | null {
  if (change.change !== 'opened' && change.change !== 'escalated') return null;
  if (ctx.host !== 'console' || ctx.notifications !== 'on' || ctx.permission !== 'granted') return null;
  const i = change.incident;
  const verb = change.change === 'opened' ? 'New incident' : 'Escalated';
  const where = [i.endpointNames.slice(0, 3).join(', '), i.clusters.join(', ')].filter(Boolean).join(' · ');
  return {
    title: `${severityWords[i.severity].label}: ${i.title}`,
    body: `${verb}${where ? ` — ${where}` : ''}`,
    // One notification per incident on screen: an escalation replaces the opening one.
    tag: `fleetdeck-${i.id}`,
  };
}

export const notificationPermission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/** Shows it; a click focuses the window and opens the incident. */
export function showIncidentNotification(change: IncidentChange, ctx: NotifyContext): Notification | null {
  const words = notificationFor(change, ctx);
  if (!words) return null;
  const n = new Notification(words.title, { body: words.body, tag: words.tag });
  n.onclick = () => {
    window.focus();
    window.location.hash = incidentHash(change.incident.id);
    n.close();
  };
  return n;
}
