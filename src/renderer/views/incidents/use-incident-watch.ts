import { useEffect, useRef } from 'react';
import { useFleet } from '../../stores/fleet.store';
import {
  createBrowserNotifications,
  notificationPermission,
  type NotifyContext,
} from './incident-notifications';

/**
 * Keeps the active incidents current for the whole window (the rail's count, the endpoint
 * badges) and turns new and escalating ones into browser notifications. Mounted once, by the
 * rail, which is always on screen.
 */
export function useIncidentWatch(): void {
  const watch = useFleet((s) => s.watchActiveIncidents);
  const notifications = useFleet((s) => s.settings?.notifications ?? null);
  const host = useFleet((s) => s.info?.host ?? null);
  const ctx = useRef<Omit<NotifyContext, 'permission'>>({ notifications, host });
  useEffect(() => {
    ctx.current = { notifications, host };
  }, [notifications, host]);
  useEffect(() => {
    const browser = createBrowserNotifications(() => ({
      ...ctx.current,
      permission: notificationPermission(),
    }));
    const off = watch((change) => void browser.offer(change));
    return () => {
      off();
      browser.dispose();
    };
  }, [watch]);
}
