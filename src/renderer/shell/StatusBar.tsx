import { useEffect } from 'react';
import {
  CheckCircleIcon,
  ClockIcon,
  ConnectedIcon,
  DatabaseIcon,
  DisconnectedIcon,
  ErrorIcon,
  FolderIcon,
  ReconnectIcon,
  WarningIcon,
} from '../components/icons';
import { defaultSettings } from '../../shared/contract/index';
import { describeFreshness } from '../status/freshness';
import { useFleet } from '../stores/fleet.store';
import { connectionWords } from './connection-words';

export const SHELL_READY_MARK = 'fleetdeck:shell-ready';

function ConnectionItem() {
  const connection = useFleet((s) => s.connection);
  const everConnected = useFleet((s) => s.everConnected);
  const kind = useFleet((s) => s.info?.host ?? null);
  const words = connectionWords(connection, everConnected);
  const Icon =
    words.state === 'connected'
      ? ConnectedIcon
      : words.state === 'disconnected'
        ? DisconnectedIcon
        : ReconnectIcon;
  const target = kind === 'desktop' ? 'desktop core' : 'console';
  return (
    <span
      className={`status-item status-connection is-${words.state}`}
      data-testid="status-connection"
      data-state={words.state}
      title={`${words.label} to the Fleetdeck ${target}`}
      aria-live="polite"
    >
      <Icon className={words.state === 'reconnecting' ? 'spin-slow' : undefined} />
      <span>{words.label}</span>
    </span>
  );
}

function DatabaseItem() {
  const database = useFleet((s) => s.status?.database ?? null);
  const connected = useFleet((s) => s.connection === 'connected');
  const failed = useFleet((s) => s.infoError !== null || s.connection === 'disconnected');
  if (!database) {
    return (
      <span
        className="status-item"
        data-testid="status-database"
        data-state="unknown"
        title="Database health"
      >
        <DatabaseIcon />
        <span>{failed ? 'Database: unknown' : 'Database: checking…'}</span>
      </span>
    );
  }
  const Icon =
    database.status === 'ok' ? CheckCircleIcon : database.status === 'warning' ? WarningIcon : ErrorIcon;
  const word = database.status === 'ok' ? 'OK' : database.status === 'warning' ? 'warning' : 'error';
  // Without a connection this is what the core last said, not what it would say now.
  return (
    <span
      className={`status-item status-database is-${database.status}${connected ? '' : ' is-last-known'}`}
      data-testid="status-database"
      data-state={database.status}
      title={`Database: ${database.detail}${connected ? '' : ' (last known; not connected)'}`}
    >
      <Icon />
      <span>
        Database {word}
        {connected ? '' : ' (last known)'}
      </span>
    </span>
  );
}

function FreshnessItem() {
  const connection = useFleet((s) => s.connection);
  const dataFreshAt = useFleet((s) => s.status?.dataFreshAt ?? null);
  // The core's own clock, from the newest app.status (sent every few seconds): no client
  // timer, and no skew between the two clocks when judging staleness.
  const now = useFleet((s) => s.status?.at ?? 0);
  const staleAfterSeconds = useFleet(
    (s) => s.settings?.staleAfterSeconds ?? defaultSettings.staleAfterSeconds,
  );
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? defaultSettings.timeFormat);
  const freshness = describeFreshness({ connection, dataFreshAt, now, staleAfterSeconds, timeFormat });
  return (
    <span
      className={`status-item status-freshness is-${freshness.kind}`}
      data-testid="status-freshness"
      data-state={freshness.kind}
      title={freshness.detail}
    >
      <ClockIcon />
      <span>Data: {freshness.label}</span>
    </span>
  );
}

function DataDirItem() {
  const dataDir = useFleet((s) => s.status?.dataDir ?? s.info?.dataDir ?? null);
  if (!dataDir) return null;
  return (
    <span
      className="status-item status-datadir"
      data-testid="status-data-dir"
      title={`Data directory: ${dataDir}`}
    >
      <FolderIcon />
      <span className="status-path">{dataDir}</span>
    </span>
  );
}

function VersionItem() {
  const version = useFleet((s) => s.info?.version ?? null);
  const host = useFleet((s) => s.info?.host ?? null);
  if (!version) return null;
  return (
    <span className="status-item status-version" title={`Fleetdeck ${version}, ${host} host`}>
      Fleetdeck {version} · {host === 'desktop' ? 'desktop' : 'console'}
    </span>
  );
}

/**
 * Always visible: is the core reachable, is the database healthy, how fresh is the data, and
 * where does it live. `data-ready` marks the first moment the bar shows a live connection and a
 * real status, which the end-to-end tests and the first-paint bench wait for.
 */
export function StatusBar() {
  const ready = useFleet((s) => s.connection === 'connected' && s.status !== null && s.info !== null);
  useEffect(() => {
    if (!ready || performance.getEntriesByName(SHELL_READY_MARK).length > 0) return;
    // A task queued from a frame callback runs after that frame is painted: the mark says
    // "the ready status bar is on screen", not merely "React committed it".
    const frame = requestAnimationFrame(() => {
      setTimeout(() => {
        if (performance.getEntriesByName(SHELL_READY_MARK).length === 0) performance.mark(SHELL_READY_MARK);
      }, 0);
    });
    return () => cancelAnimationFrame(frame);
  }, [ready]);
  return (
    <footer className="statusbar" data-testid="status-bar" data-ready={ready ? 'true' : 'false'}>
      <ConnectionItem />
      <DatabaseItem />
      <FreshnessItem />
      <span className="status-spacer" />
      <DataDirItem />
      <VersionItem />
    </footer>
  );
}
