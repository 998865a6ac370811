import { Notification, type BrowserWindow } from 'electron';
import type { Core } from '../../src/core/core';
import type { Logger } from '../../src/core/log/logger';
import { incidentChangeSchema, type IncidentChange, type Settings } from '../../src/shared/contract/index';
import {
  createIncidentNotifier,
  type IncidentNotice,
  type NoticeDecision,
  type NotificationRules,
} from '../../src/shared/incidents/incident-notifications';
import type { AppOrigin } from './app-origin';

const CTX = { actor: 'fleetdeck', host: 'desktop' } as const;

export interface IncidentNotificationsOptions {
  core: Pick<Core, 'subscribe' | 'call'>;
  log: Pick<Logger, 'warn'>;
  /** Shows one notice (an Electron Notification in the app; tests record them). */
  show(notice: IncidentNotice): void;
  /** Every decision, as it is made (tests wait on it; a held or dropped one shows nothing). */
  onDecision?(decision: NoticeDecision, change: IncidentChange): void;
  rules?: NotificationRules;
  now?: () => number;
}

/**
 * Desktop notifications for new and escalating incidents (issue 7). The core runs in this
 * process, so main follows `incidents.changed` itself: notifications arrive with the window
 * hidden or minimised, where the renderer's own code may be throttled. Which changes notify,
 * do-not-disturb and burst coalescing are decided by the shared, pure notifier; this only reads
 * the setting, keeps the summary timer, and shows.
 */
export function watchIncidentNotifications(options: IncidentNotificationsOptions): () => void {
  const notifier = createIncidentNotifier(options.rules);
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const mode = async (): Promise<Settings['notifications']> => {
    const envelope = await options.core.call('settings.get', {}, CTX);
    if (envelope.ok) return (envelope.result as Settings).notifications;
    // Better one notification too many than an outage nobody hears about.
    options.log.warn('notifications: settings unreadable; notifying', { error: envelope.error.message });
    return 'on';
  };

  const arm = () => {
    const due = notifier.dueAt();
    if (due === null || timer || stopped) return;
    timer = setTimeout(
      () => {
        timer = null;
        void mode().then((m) => {
          if (stopped) return;
          const notice = notifier.flush(now(), m);
          if (notice) options.show(notice);
          arm();
        });
      },
      Math.max(0, due - now()),
    );
    timer.unref?.();
  };

  const unsubscribe = options.core.subscribe((message) => {
    if (message.event !== 'incidents.changed') return;
    const parsed = incidentChangeSchema.safeParse(message.payload);
    if (!parsed.success) return;
    const change = parsed.data;
    if (change.change !== 'opened' && change.change !== 'escalated') return;
    void mode()
      .then((m) => {
        if (stopped) return;
        const decision = notifier.offer(change, m, now());
        options.onDecision?.(decision, change);
        if (decision.action === 'show') options.show(decision.notice);
        else if (decision.action === 'defer') arm();
      })
      .catch((error: unknown) =>
        options.log.warn('notifications: an incident change could not be shown', {
          incident: change.incident.id,
          error: String(error),
        }),
      );
  });

  return () => {
    stopped = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}

export interface DesktopNoticeTarget {
  /** The main window, opening it again (macOS keeps the app without one) when there is none. */
  window(): BrowserWindow | null;
  openWindow(): void;
  appOrigin: AppOrigin;
  log: Pick<Logger, 'warn'>;
}

// Electron drops a Notification's click handler once the object is garbage collected
// (electron/electron#12690), so shown ones are held until they are clicked or closed.
const live = new Set<Notification>();

/** An Electron Notification; a click brings the window forward on the incident (`#/incidents/<id>`). */
export function showDesktopNotice(notice: IncidentNotice, target: DesktopNoticeTarget): void {
  if (!Notification.isSupported()) return;
  const shown = new Notification({ title: notice.title, body: notice.body });
  live.add(shown);
  shown.on('close', () => live.delete(shown));
  shown.on('click', () => {
    live.delete(shown);
    openNoticeInWindow(notice.hash, target);
  });
  shown.show();
}

function openNoticeInWindow(hash: string, target: DesktopNoticeTarget): void {
  let win = target.window();
  if (!win || win.isDestroyed()) {
    target.openWindow();
    win = target.window();
    if (!win) return;
  }
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  const contents = win.webContents;
  const go = () => {
    const current = contents.getURL();
    // Only our own page is pointed at the incident; the hash router does the rest (a
    // fragment-only change is a same-document navigation, so the app is not reloaded).
    if (!target.appOrigin.isAppUrl(current)) {
      target.log.warn('notifications: the window is not showing Fleetdeck; not navigating', {});
      return;
    }
    const url = new URL(current);
    url.hash = hash;
    contents
      .loadURL(url.href)
      .catch((error: unknown) =>
        target.log.warn('notifications: could not open the incident', { hash, error: String(error) }),
      );
  };
  if (contents.isLoading()) contents.once('did-finish-load', go);
  else go();
}
