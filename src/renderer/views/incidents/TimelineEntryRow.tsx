import { memo } from 'react';
import type { TimelineEntry } from '../../../shared/contract/index';
import { formatClock, formatDate } from '../../format/display-format';
import { rolloutHash } from '../../stores/rollouts.slice';
import { runHash } from '../../stores/runbooks.slice';
import { kindWords } from './incident-words';
import { SnapshotChart } from './SnapshotChart';

export interface EntryActions {
  /** Shows a run in the page's terminal panel. */
  onShowRun?: (runId: string) => void;
  onTranscript: (ref: { sessionId: string; fromSeq: number; toSeq: number; title: string }) => void;
  /** Set for an imported incident: its runs are read from its record, not `#/runs/<id>`. */
  onRunRecord?: (runId: string) => void;
}

/**
 * One timeline entry: when, what kind (glyph and word), who, the summary a person reads, its
 * facts, and links to what it is about (run, rollout, transcript range); a snapshot entry draws
 * its stored chart. Memoised: a live incident appends entries, and the rows already shown do not
 * change.
 */
export const TimelineEntryRow = memo(function TimelineEntryRow({
  entry,
  endpointName,
  timeFormat,
  theme,
  actions,
  showDay,
}: {
  entry: TimelineEntry;
  endpointName: string | null;
  timeFormat: '24h' | '12h';
  theme: 'light' | 'dark';
  actions: EntryActions;
  showDay: boolean;
}) {
  const kind = kindWords[entry.kind];
  const facts = Object.entries(entry.detail).filter(([, v]) => v !== null && v !== '');
  const ref = entry.ref;
  return (
    <article
      className={`inc-entry inc-entry-${entry.kind}`}
      data-testid="timeline-entry"
      data-kind={entry.kind}
      data-seq={entry.seq}
    >
      <time className="inc-entry-time" dateTime={new Date(entry.at).toISOString()}>
        {showDay ? <span className="muted">{formatDate(entry.at)} </span> : null}
        {formatClock(entry.at, timeFormat, true)}
      </time>
      <span className="inc-entry-kind" title={kind.label}>
        <span aria-hidden="true">{kind.glyph}</span> {kind.label}
      </span>
      <div className="inc-entry-body">
        <p className="inc-entry-summary">
          <span className="inc-entry-actor">{entry.actor}</span>
          {endpointName ? <span className="muted"> · {endpointName}</span> : null}
          {' — '}
          <span data-testid="timeline-summary">{entry.summary}</span>
        </p>
        {facts.length > 0 ? (
          <dl className="inc-entry-facts">
            {facts.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{String(v)}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        {ref ? (
          <p className="inc-entry-links">
            {ref.runId && actions.onRunRecord ? (
              <button
                type="button"
                className="link-button"
                data-testid="timeline-run-record"
                onClick={() => actions.onRunRecord?.(ref.runId!)}
              >
                Run {ref.runId}
                {ref.stepIdx !== undefined ? `, step ${ref.stepIdx + 1}` : ''}
              </button>
            ) : ref.runId ? (
              <>
                <a className="link" href={runHash(ref.runId)} data-testid="timeline-run-link">
                  Run {ref.runId}
                  {ref.stepIdx !== undefined ? `, step ${ref.stepIdx + 1}` : ''}
                </a>
                {actions.onShowRun ? (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => actions.onShowRun?.(ref.runId!)}
                  >
                    show here
                  </button>
                ) : null}
              </>
            ) : null}
            {ref.rolloutId ? (
              <a className="link" href={rolloutHash(ref.rolloutId)} data-testid="timeline-rollout-link">
                Rollout {ref.rolloutId}
              </a>
            ) : null}
            {ref.sessionId ? (
              <button
                type="button"
                className="link-button"
                data-testid="timeline-transcript-link"
                onClick={() =>
                  actions.onTranscript({
                    sessionId: ref.sessionId!,
                    fromSeq: ref.fromSeq ?? 0,
                    toSeq: ref.toSeq ?? (ref.fromSeq ?? 0) + 999,
                    title: entry.summary,
                  })
                }
              >
                Transcript
                {ref.fromSeq !== undefined ? ` (chunks ${ref.fromSeq}–${ref.toSeq ?? '…'})` : ''}
              </button>
            ) : null}
            {ref.policyId ? <span className="muted">policy {ref.policyId}</span> : null}
          </p>
        ) : null}
        {entry.snapshot ? <SnapshotChart snapshot={entry.snapshot} theme={theme} /> : null}
      </div>
    </article>
  );
});
