import type { IncidentChange, Settings } from '../../../shared/contract/index';
import {
  createIncidentNotifier,
  type IncidentNotice,
  type IncidentNotifier,
} from '../../../shared/incidents/incident-notifications';

export interface NotifyContext {
  /** settings.notifications; null until settings are read (nothing is shown before). */
  notifications: Settings['notifications'] | null;
  /** 'desktop' in Electron, whose main process shows native notifications itself (issue 7). */
  host: 'desktop' | 'console' | null;
  /** Notification.permission, or 'unsupported' where the API is missing. */
  permission: NotificationPermission | 'unsupported';
}

/**
 * Whether this window may show browser notifications at all. The desktop host is skipped: its
 * main process shows a native one through the same rules, and two would be noise.
 */
export const mayNotify = (
  ctx: NotifyContext,
): ctx is NotifyContext & { notifications: Settings['notifications'] } =>
  ctx.host === 'console' && ctx.notifications !== null && ctx.permission === 'granted';

export const notificationPermission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/** Shows a notice; a click focuses the window and opens the incident (or the list, for a summary). */
function show(notice: IncidentNotice): Notification {
  // One notification per incident on screen: an escalation replaces the opening one.
  const n = new Notification(notice.title, {
    body: notice.body,
    tag: notice.incidentId ? `fleetdeck-${notice.incidentId}` : 'fleetdeck-incidents',
  });
  n.onclick = () => {
    window.focus();
    window.location.hash = notice.hash;
    n.close();
  };
  return n;
}

/**
 * Browser notifications for new and escalating incidents, decided by the same rules as the
 * desktop's (src/shared/incidents/incident-notifications.ts): do-not-disturb holds them, one
 * per incident per minute, and a burst becomes one summary once it settles.
 */
export function createBrowserNotifications(
  context: () => NotifyContext,
  notifier: IncidentNotifier = createIncidentNotifier(),
): { offer(change: IncidentChange): Notification | null; dispose(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    const due = notifier.dueAt();
    if (due === null || timer !== null) return;
    timer = setTimeout(
      () => {
        timer = null;
        const ctx = context();
        if (mayNotify(ctx)) {
          const notice = notifier.flush(Date.now(), ctx.notifications);
          if (notice) show(notice);
        }
        schedule();
      },
      Math.max(0, due - Date.now()),
    );
  };
  return {
    offer(change) {
      const ctx = context();
      if (!mayNotify(ctx)) return null;
      const decision = notifier.offer(change, ctx.notifications, Date.now());
      if (decision.action === 'defer') schedule();
      return decision.action === 'show' ? show(decision.notice) : null;
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
