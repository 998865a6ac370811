import type { ReactNode } from 'react';
import type { AppHealth, AppInfo } from '../../shared/contract/index';
import { CopyButton } from '../components/CopyButton';
import { ErrorNotice } from '../components/ErrorNotice';
import { PlayIcon, SpinnerIcon } from '../components/icons';
import { StatusBadge } from '../components/StatusBadge';
import { formatBytes, formatClock, formatDate } from '../format/display-format';
import { useFleet } from '../stores/fleet.store';
import { ViewHeader } from './ViewHeader';
import { defaultSettings } from '../../shared/contract/index';

const hostWords = (host: AppInfo['host']) => (host === 'desktop' ? 'Desktop (Electron)' : 'Browser console');

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="kv-row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function PathRow({ label, path, testId }: { label: string; path: string; testId: string }) {
  return (
    <div className="kv-row">
      <dt>{label}</dt>
      <dd className="path-cell">
        <code className="path" data-testid={testId}>
          {path}
        </code>
        <CopyButton text={path} label={label.toLowerCase()} testId={`${testId}-copy`} />
      </dd>
    </div>
  );
}

function ApplicationPanel({ info }: { info: AppInfo }) {
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? defaultSettings.timeFormat);
  return (
    <section className="panel" aria-labelledby="about-app">
      <h2 className="panel-title" id="about-app">
        Application
      </h2>
      <dl className="kv">
        <Row label="Name" testId="about-name">
          {info.name}
        </Row>
        <Row label="Version" testId="about-version">
          <code>{info.version}</code>
        </Row>
        <Row label="Host" testId="about-host">
          {hostWords(info.host)}
        </Row>
        <Row label="Platform" testId="about-platform">
          <code>{info.platform}</code>
        </Row>
        <Row label="Node.js" testId="about-node">
          <code>{info.nodeVersion}</code>
        </Row>
        <Row label="Electron" testId="about-electron">
          {info.electronVersion ? (
            <code>{info.electronVersion}</code>
          ) : (
            <span className="muted">not used by the console</span>
          )}
        </Row>
        <Row label="SQLite" testId="about-sqlite">
          <code>{info.sqliteVersion}</code>
        </Row>
        <Row label="Core started" testId="about-started">
          {formatDate(info.startedAt)} {formatClock(info.startedAt, timeFormat, true)}
        </Row>
      </dl>
    </section>
  );
}

function StoragePanel({ info }: { info: AppInfo }) {
  return (
    <section className="panel" aria-labelledby="about-storage">
      <h2 className="panel-title" id="about-storage">
        Storage
      </h2>
      <dl className="kv">
        <PathRow label="Data directory" path={info.dataDir} testId="about-data-dir" />
        <PathRow label="Database file" path={info.databaseFile} testId="about-database-file" />
      </dl>
    </section>
  );
}

function HealthResult({ health }: { health: AppHealth }) {
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? defaultSettings.timeFormat);
  const { database } = health;
  return (
    <>
      <p className="health-summary" data-testid="health-summary" data-status={health.status}>
        <StatusBadge
          status={health.status}
          label={
            health.status === 'ok'
              ? 'All checks passed'
              : health.status === 'warning'
                ? 'Passed with warnings'
                : 'Checks failed'
          }
        />
        <span className="muted">Checked at {formatClock(health.checkedAt, timeFormat, true)}</span>
      </p>
      <table className="checks" data-testid="health-checks">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Check</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {health.checks.map((check) => (
            <tr key={check.name} data-testid="health-check" data-status={check.status}>
              <td>
                <StatusBadge status={check.status} />
              </td>
              <td>{check.name}</td>
              <td className="muted">{check.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="kv kv-inline">
        <Row label="Schema version">{database.schemaVersion}</Row>
        <Row label="Journal mode">{database.journalMode}</Row>
        <Row label="Database size">{formatBytes(database.sizeBytes)}</Row>
        <Row label="WAL size">{formatBytes(database.walBytes)}</Row>
      </dl>
    </>
  );
}

function HealthPanel() {
  const health = useFleet((s) => s.health);
  const running = useFleet((s) => s.healthRunning);
  const error = useFleet((s) => s.healthError);
  const run = useFleet((s) => s.runHealthCheck);
  return (
    <section className="panel panel-wide" aria-labelledby="about-health" aria-busy={running}>
      <div className="panel-head">
        <h2 className="panel-title" id="about-health">
          Database check
        </h2>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void run()}
          disabled={running}
          data-testid="run-health-check"
        >
          {running ? <SpinnerIcon /> : <PlayIcon />}
          <span>{running ? 'Checking…' : 'Run database check'}</span>
        </button>
      </div>
      {error ? (
        <ErrorNotice title="The database check could not run" error={error} testId="health-error" />
      ) : null}
      {health ? (
        <HealthResult health={health} />
      ) : (
        <p className="muted" data-testid="health-idle">
          Runs SQLite's integrity check and inspects the write-ahead log, schema version and foreign keys. It
          is read-only and takes a moment on a large database.
        </p>
      )}
    </section>
  );
}

export function AboutView() {
  const info = useFleet((s) => s.info);
  return (
    <section className="view" data-testid="view-about">
      <ViewHeader
        title="About & health"
        subtitle={
          info
            ? `${info.name} ${info.version} · ${hostWords(info.host).toLowerCase()}`
            : 'Loading from the Fleetdeck core…'
        }
      />
      {info ? (
        <div className="panel-grid">
          <ApplicationPanel info={info} />
          <StoragePanel info={info} />
          <HealthPanel />
        </div>
      ) : (
        <div className="panel panel-loading" aria-busy="true">
          <SpinnerIcon /> <span>Asking the core for its version and data directory…</span>
        </div>
      )}
    </section>
  );
}
