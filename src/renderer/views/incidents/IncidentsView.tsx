import { useEffect, useMemo, useRef, useState } from 'react';
import '../../styles/runbooks.css';
import '../../styles/runbook-runs.css';
import '../../styles/rollouts.css';
import '../../styles/incidents.css';
import { incidentSeveritySchema, incidentStateSchema } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { formatClock, formatDate } from '../../format/display-format';
import { incidentHash } from '../../stores/incidents.slice';
import { useFleet } from '../../stores/fleet.store';
import { useLocationHash } from '../endpoints/use-address';
import { useSlashFocus } from '../runbooks/use-slash-focus';
import { ViewHeader } from '../ViewHeader';
import { ImportIncident } from './ImportIncident';
import { IncidentStateBadge, SeverityBadge } from './IncidentBadges';
import { formatDuration, incidentDurations, incidentStateWords, severityWords } from './incident-words';
import {
  incidentListHash,
  isFiltered,
  listQueryOf,
  parseIncidentFilter,
  type IncidentFilter,
} from './incidents-url';
import { NotificationControls } from './NotificationControls';
import { OfflineBanner } from './OfflineBanner';
import { OpenIncidentDialog } from './OpenIncidentDialog';
import { ReliabilityStrip } from './ReliabilityStrip';

/**
 * `#/incidents`: every incident this console recorded (or imported), newest first, searched by
 * the core over its SQLite (text, state, severity, model, cluster, dates) so it answers offline
 * too, and reloaded live on incidents.changed.
 */
export function IncidentsView() {
  const [hash, writeHash] = useLocationHash();
  const filter = parseIncidentFilter(hash);
  const watch = useFleet((s) => s.watchIncidents);
  const rows = useFleet((s) => s.incidentList);
  const state = useFleet((s) => s.incidentListState);
  const error = useFleet((s) => s.incidentListError);
  const endpoints = useFleet((s) => s.endpoints);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const search = useRef<HTMLInputElement>(null);
  useSlashFocus(search);
  const [opening, setOpening] = useState(false);
  const update = (patch: Partial<IncidentFilter>) =>
    writeHash(incidentListHash({ ...filter, ...patch }), 'replace');

  const queryKey = JSON.stringify(listQueryOf(filter));
  useEffect(() => watch(JSON.parse(queryKey) as ReturnType<typeof listQueryOf>), [watch, queryKey]);

  // Filter choices: what the fleet has now and what past incidents name (a model may be gone).
  const { models, clusters } = useMemo(() => {
    const m = new Set<string>();
    const c = new Set<string>();
    for (const e of endpoints.values()) {
      m.add(e.model);
      c.add(e.cluster);
    }
    for (const r of rows ?? []) {
      r.models.forEach((x) => m.add(x));
      r.clusters.forEach((x) => c.add(x));
    }
    return { models: [...m].sort(), clusters: [...c].sort() };
  }, [endpoints, rows]);

  return (
    <section className="view view-wide incidents" data-testid="view-incidents">
      <ViewHeader
        title="Incidents"
        subtitle="Opened when an endpoint turns critical, grouped so one outage is one incident, with everything that happened in one timeline."
        actions={
          <>
            <NotificationControls />
            <a className="button" href="#/incidents/policies" data-testid="incident-healing-link">
              Self-healing…
            </a>
            <ImportIncident />
            <button
              type="button"
              className="button button-primary"
              onClick={() => setOpening(true)}
              data-testid="incident-open"
            >
              Open incident…
            </button>
          </>
        }
      />
      <OfflineBanner />
      <ReliabilityStrip />
      <div className="rb-toolbar inc-toolbar">
        <input
          ref={search}
          className="control rb-search"
          type="search"
          placeholder="Search incidents: title, endpoint, note…  ( / )"
          aria-label="Search incidents"
          aria-keyshortcuts="/"
          value={filter.q}
          onChange={(e) => update({ q: e.target.value })}
          data-testid="incident-search"
        />
        <label className="rb-filter">
          <span className="facet-label">State</span>
          <select
            className="control rb-select"
            value={filter.state}
            onChange={(e) => update({ state: e.target.value as IncidentFilter['state'] })}
            data-testid="incident-state-filter"
          >
            <option value="">any</option>
            {incidentStateSchema.options.map((s) => (
              <option key={s} value={s}>
                {incidentStateWords[s].label}
              </option>
            ))}
          </select>
        </label>
        <label className="rb-filter">
          <span className="facet-label">Severity</span>
          <select
            className="control rb-select"
            value={filter.severity}
            onChange={(e) => update({ severity: e.target.value as IncidentFilter['severity'] })}
            data-testid="incident-severity-filter"
          >
            <option value="">any</option>
            {incidentSeveritySchema.options.map((s) => (
              <option key={s} value={s}>
                {severityWords[s].label}
              </option>
            ))}
          </select>
        </label>
        <label className="rb-filter">
          <span className="facet-label">Model</span>
          <select
            className="control rb-select"
            value={filter.model}
            onChange={(e) => update({ model: e.target.value })}
            data-testid="incident-model-filter"
          >
            <option value="">any</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label className="rb-filter">
          <span className="facet-label">Cluster</span>
          <select
            className="control rb-select"
            value={filter.cluster}
            onChange={(e) => update({ cluster: e.target.value })}
            data-testid="incident-cluster-filter"
          >
            <option value="">any</option>
            {clusters.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="rb-filter">
          <span className="facet-label">From</span>
          <input
            className="control"
            type="date"
            value={filter.from}
            onChange={(e) => update({ from: e.target.value })}
            data-testid="incident-from"
          />
        </label>
        <label className="rb-filter">
          <span className="facet-label">To</span>
          <input
            className="control"
            type="date"
            value={filter.to}
            onChange={(e) => update({ to: e.target.value })}
            data-testid="incident-to"
          />
        </label>
        {state === 'loading' ? <SpinnerIcon className="spin" /> : null}
      </div>
      {error ? (
        <ErrorNotice title="Could not read the incidents" error={error} testId="incidents-error" />
      ) : null}
      {rows && rows.length === 0 ? (
        <div className="panel rb-empty inc-empty" data-testid="incidents-empty">
          {isFiltered(filter) ? (
            <p>No incident matches this search.</p>
          ) : (
            <>
              <p>
                <strong>No incidents.</strong> An incident opens by itself when an endpoint&apos;s health
                turns critical; endpoints that fail together (one region, one model) join the same one. Its
                timeline gathers health changes, charts, Kubernetes events, rollouts, runbook runs and notes
                as they happen.
              </p>
              <p>
                Something wrong that the console has not seen?{' '}
                <button type="button" className="button" onClick={() => setOpening(true)}>
                  Open one by hand…
                </button>
              </p>
            </>
          )}
        </div>
      ) : null}
      {rows && rows.length > 0 ? (
        <table className="rb-history inc-table" data-testid="incident-list">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">State</th>
              <th scope="col">Incident</th>
              <th scope="col">Endpoints</th>
              <th scope="col">Models</th>
              <th scope="col">Clusters</th>
              <th scope="col">Started</th>
              <th scope="col" title="Time to detect / mitigate / resolve">
                TTD · TTM · TTR
              </th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const d = incidentDurations(r);
              return (
                <tr key={r.id} data-testid="incident-row" data-incident-id={r.id} data-state={r.state}>
                  <td>
                    <SeverityBadge severity={r.severity} />
                  </td>
                  <td>
                    <IncidentStateBadge state={r.state} />
                  </td>
                  <td>
                    <a className="link" href={incidentHash(r.id)}>
                      {r.title}
                    </a>
                    <span className="muted ro-sub">
                      {r.id}
                      {r.importedFrom ? ` · imported from ${r.importedFrom}` : ''}
                    </span>
                  </td>
                  <td>
                    {r.endpointNames.join(', ') || '—'}
                    {r.endpointCount > r.endpointNames.length ? (
                      <span className="muted"> +{r.endpointCount - r.endpointNames.length}</span>
                    ) : null}
                  </td>
                  <td>{r.models.join(', ') || '—'}</td>
                  <td>{r.clusters.join(', ') || '—'}</td>
                  <td className="rb-nowrap">
                    {formatDate(r.startedAt)} {formatClock(r.startedAt, timeFormat)}
                  </td>
                  <td className="rb-nowrap">
                    {formatDuration(d.ttd)} · {formatDuration(d.ttm)} · {formatDuration(d.ttr)}
                  </td>
                  <td>{r.owner ?? <span className="muted">—</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {opening ? <OpenIncidentDialog onClose={() => setOpening(false)} /> : null}
    </section>
  );
}
