import { useEffect, useMemo, useState } from 'react';
import '../../styles/endpoints.css';
import '../../styles/runbooks.css';
import '../../styles/runbook-runs.css';
import '../../styles/rollouts.css';
import '../../styles/sources.css';
import '../../styles/incidents.css';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { formatClock, formatDate } from '../../format/display-format';
import { selectTheme, useFleet } from '../../stores/fleet.store';
import { useLocationHash } from '../endpoints/use-address';
import { ViewHeader } from '../ViewHeader';
import { downloadText } from './download-file';
import { IncidentStateBadge, SeverityBadge } from './IncidentBadges';
import { IncidentControls } from './IncidentControls';
import { EditableTitle, OwnerField, SeveritySelect } from './IncidentFields';
import { IncidentRunPanel } from './IncidentRunPanel';
import { AffectedEndpoints, SuggestedRunbooks } from './IncidentSidePanels';
import { IncidentTimeline } from './IncidentTimeline';
import { formatDuration, incidentDurations } from './incident-words';
import { incidentIdOf, incidentTabOf } from './incidents-url';
import { NoteBox } from './NoteBox';
import { OfflineBanner } from './OfflineBanner';
import { PostmortemTab } from './PostmortemTab';
import { RunRecordDialog } from './RunRecordDialog';
import { TranscriptDialog } from './TranscriptDialog';
import type { EntryActions } from './TimelineEntryRow';
import { incidentHash } from '../../stores/incidents.slice';

/** `#/incidents/<id>`: one incident, read from the local database and followed live. */
export function IncidentView() {
  const [hash] = useLocationHash();
  const id = incidentIdOf(hash) ?? '';
  // Keyed by incident: an open dialog or edit belongs to the incident it was opened on.
  return <IncidentPage key={id} id={id} tab={incidentTabOf(hash)} />;
}

type Segment = { sessionId: string; fromSeq: number; toSeq: number; title: string };

function IncidentPage({ id, tab }: { id: string; tab: 'timeline' | 'postmortem' }) {
  const openIncident = useFleet((s) => s.openIncident);
  const incident = useFleet((s) => (s.incidentId === id ? s.incident : null));
  const state = useFleet((s) => s.incidentState);
  const error = useFleet((s) => s.incidentError);
  const actionError = useFleet((s) => s.incidentActionError);
  const pending = useFleet((s) => s.incidentPending);
  const control = useFleet((s) => s.controlIncident);
  const edit = useFleet((s) => s.editIncident);
  const annotate = useFleet((s) => s.annotateIncident);
  const runSuggested = useFleet((s) => s.runSuggested);
  const runId = useFleet((s) => s.incidentRunId);
  const showRun = useFleet((s) => s.showIncidentRun);
  const exportIncident = useFleet((s) => s.exportIncident);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const theme = useFleet(selectTheme);
  const [segment, setSegment] = useState<Segment | null>(null);
  const [runRecord, setRunRecord] = useState<string | null>(null);

  useEffect(() => (id ? openIncident(id) : undefined), [id, openIncident]);

  const readOnly = incident?.importedFrom != null;
  const actions = useMemo<EntryActions>(
    () =>
      readOnly
        ? { onTranscript: setSegment, onRunRecord: setRunRecord }
        : { onShowRun: (r) => showRun(r), onTranscript: setSegment },
    [readOnly, showRun],
  );

  if (!incident) {
    return (
      <section
        className="view"
        data-testid={state === 'not-found' ? 'incident-not-found' : 'incident-loading'}
      >
        <p className="breadcrumb">
          <a className="link" href="#/incidents">
            Incidents
          </a>
        </p>
        <ViewHeader title={state === 'not-found' ? 'Incident not found' : 'Incident'} />
        <OfflineBanner />
        {error ? (
          <ErrorNotice title={`Could not open incident ${id}`} error={error} testId="incident-error" />
        ) : (
          <p className="panel-loading">
            <SpinnerIcon className="spin" /> Loading…
          </p>
        )}
      </section>
    );
  }

  const d = incidentDurations(incident);
  const at = (t: number | null) =>
    t === null ? '—' : `${formatDate(t)} ${formatClock(t, timeFormat, true)}`;
  const tabHash = (t: 'timeline' | 'postmortem') =>
    `${incidentHash(incident.id)}${t === 'postmortem' ? '?tab=postmortem' : ''}`;

  return (
    <section
      className="view view-wide incidents inc-detail"
      data-testid="view-incident"
      data-incident-id={incident.id}
      data-state={incident.state}
      data-severity={incident.severity}
      data-entries={incident.timeline.length}
    >
      <p className="breadcrumb">
        <a className="link" href="#/incidents">
          Incidents
        </a>{' '}
        › {incident.id}
      </p>
      <ViewHeader
        title={incident.title}
        subtitle={
          <span className="rb-detail-sub">
            <SeverityBadge severity={incident.severity} testId="incident-severity-badge" />
            <IncidentStateBadge state={incident.state} testId="incident-state" />
            {incident.importedFrom ? (
              <span className="rb-chip rb-chip-warning" data-testid="incident-imported">
                read-only · imported from {incident.importedFrom}
              </span>
            ) : null}
            <span className="muted">
              {incident.origin === 'auto' ? 'opened automatically' : 'opened by hand'} · {incident.groupKey}
            </span>
            <EditableTitle incident={incident} readOnly={readOnly} onSave={edit} />
          </span>
        }
        actions={
          <>
            <IncidentControls
              state={incident.state}
              pending={pending}
              readOnly={readOnly}
              onAction={(action, note) => void control(action, note)}
            />
            <button
              type="button"
              className="button"
              disabled={pending !== null}
              onClick={() =>
                void exportIncident().then((file) => file && downloadText(file.fileName, file.text))
              }
              data-testid="incident-export"
            >
              {pending === 'export' ? <SpinnerIcon className="spin" /> : null}
              Export
            </button>
          </>
        }
      />
      <OfflineBanner />
      {actionError ? (
        <ErrorNotice title="That did not work" error={actionError} testId="incident-action-error" />
      ) : null}
      {error && state === 'ready' ? (
        <ErrorNotice title="Showing the last known state" error={error} testId="incident-refresh-error" />
      ) : null}
      <dl className="panel inc-facts" data-testid="incident-facts">
        <div>
          <dt>Severity</dt>
          <dd>
            <SeveritySelect incident={incident} readOnly={readOnly} onSave={edit} />
          </dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>
            <OwnerField key={incident.owner ?? ''} incident={incident} readOnly={readOnly} onSave={edit} />
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{at(incident.startedAt)}</dd>
        </div>
        <div>
          <dt>Detected</dt>
          <dd>{at(incident.detectedAt)}</dd>
        </div>
        <div>
          <dt title="Time to detect">TTD</dt>
          <dd data-testid="incident-ttd">{formatDuration(d.ttd)}</dd>
        </div>
        <div>
          <dt title="Time to mitigate">TTM</dt>
          <dd data-testid="incident-ttm">{formatDuration(d.ttm)}</dd>
        </div>
        <div>
          <dt title="Time to resolve">TTR</dt>
          <dd data-testid="incident-ttr">{formatDuration(d.ttr)}</dd>
        </div>
      </dl>
      <div className="inc-columns">
        <AffectedEndpoints incident={incident} />
        <SuggestedRunbooks
          incident={incident}
          pending={pending === 'run'}
          onRun={(runbookId, endpointId) => void runSuggested(runbookId, endpointId)}
        />
      </div>
      {runId ? <IncidentRunPanel runId={runId} onClose={() => showRun(null)} /> : null}
      <nav className="rb-tabs inc-tabs" aria-label="Incident">
        <a
          className="rb-tab"
          href={tabHash('timeline')}
          aria-current={tab === 'timeline' ? 'page' : undefined}
          data-testid="incident-tab-timeline"
        >
          Timeline
        </a>
        <a
          className="rb-tab"
          href={tabHash('postmortem')}
          aria-current={tab === 'postmortem' ? 'page' : undefined}
          data-testid="incident-tab-postmortem"
        >
          Postmortem
        </a>
      </nav>
      {tab === 'postmortem' ? (
        <PostmortemTab id={incident.id} readOnly={readOnly} />
      ) : (
        <>
          {readOnly ? null : <NoteBox pending={pending === 'note'} onAdd={annotate} />}
          <IncidentTimeline incident={incident} timeFormat={timeFormat} theme={theme} actions={actions} />
        </>
      )}
      {segment ? <TranscriptDialog segment={segment} onClose={() => setSegment(null)} /> : null}
      {runRecord ? <RunRecordDialog runId={runRecord} onClose={() => setRunRecord(null)} /> : null}
    </section>
  );
}
