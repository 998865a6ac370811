import { useState } from 'react';
import { useFleet } from '../../stores/fleet.store';
import { notificationPermission } from './incident-notifications';

/**
 * Do-not-disturb (settings.notifications) and, in a browser, the Notification permission. The
 * permission is asked from this button, never on load: browsers ignore or penalise prompts
 * nobody asked for, and a person should know why the console wants to interrupt them.
 */
export function NotificationControls() {
  const setting = useFleet((s) => s.settings?.notifications ?? null);
  const save = useFleet((s) => s.saveSettings);
  const saving = useFleet((s) => s.saving);
  const host = useFleet((s) => s.info?.host ?? null);
  const [permission, setPermission] = useState(notificationPermission);
  const dnd = setting === 'do-not-disturb';
  return (
    <div className="inc-notify" data-testid="incident-notifications">
      <label
        className="inc-toggle"
        title="Do-not-disturb holds notifications; incidents still open and are recorded."
      >
        <input
          type="checkbox"
          checked={dnd}
          disabled={setting === null || saving}
          onChange={(e) => void save({ notifications: e.target.checked ? 'do-not-disturb' : 'on' })}
          data-testid="incident-dnd"
        />
        Do not disturb
      </label>
      {host === 'console' && permission === 'default' ? (
        <button
          type="button"
          className="button"
          onClick={() => void Notification.requestPermission().then(setPermission)}
          data-testid="incident-notify-permission"
        >
          Allow browser notifications
        </button>
      ) : host === 'console' && permission === 'denied' ? (
        <span className="muted" data-testid="incident-notify-denied">
          Notifications are blocked in this browser&apos;s site settings.
        </span>
      ) : null}
    </div>
  );
}
