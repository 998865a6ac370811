import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { timelineKindSchema, type Incident, type TimelineKind } from '../../../shared/contract/index';
import { formatDate } from '../../format/display-format';
import { kindWords } from './incident-words';
import { TimelineEntryRow, type EntryActions } from './TimelineEntryRow';

/** A guess before measuring; rows then report their real height (snapshots are taller). */
const ESTIMATE = 64;
const SNAPSHOT_ESTIMATE = 260;

/**
 * The incident's timeline, newest first (as Grafana and PagerDuty show it: the latest state is
 * what the person opening it needs), filtered by kind. Virtualised: an incident may hold 5,000
 * entries, and only the rows on screen (and their charts) exist in the page.
 */
export function IncidentTimeline({
  incident,
  timeFormat,
  theme,
  actions,
}: {
  incident: Incident;
  timeFormat: '24h' | '12h';
  theme: 'light' | 'dark';
  actions: EntryActions;
}) {
  const [kind, setKind] = useState<TimelineKind | ''>('');
  const scroller = useRef<HTMLDivElement>(null);
  const counts = useMemo(() => {
    const c = new Map<TimelineKind, number>();
    for (const e of incident.timeline) c.set(e.kind, (c.get(e.kind) ?? 0) + 1);
    return c;
  }, [incident.timeline]);
  const shown = useMemo(() => {
    const list = kind ? incident.timeline.filter((e) => e.kind === kind) : incident.timeline;
    return list.slice().reverse();
  }, [incident.timeline, kind]);
  const names = useMemo(() => new Map(incident.endpoints.map((e) => [e.id, e.name])), [incident.endpoints]);
  // The day is shown on the first entry of each day only.
  const firstDay = incident.timeline.length > 0 ? formatDate(incident.timeline[0]!.at) : '';
  const spansDays = incident.timeline.length > 0 && formatDate(incident.timeline.at(-1)!.at) !== firstDay;

  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (shown[i]?.snapshot ? SNAPSHOT_ESTIMATE : ESTIMATE),
    overscan: 6,
    getItemKey: (i) => shown[i]!.seq,
  });

  return (
    <section
      className="panel inc-timeline"
      aria-label="Timeline"
      data-testid="incident-timeline"
      data-count={shown.length}
    >
      <div className="inc-timeline-head">
        <h2 className="panel-title">Timeline</h2>
        <span className="muted">
          {incident.entryCount} entr{incident.entryCount === 1 ? 'y' : 'ies'}
          {incident.truncated ? ` (the newest ${incident.timeline.length} shown)` : ''} · newest first
        </span>
        <label className="rb-filter">
          <span className="facet-label">Kind</span>
          <select
            className="control rb-select"
            value={kind}
            onChange={(e) => setKind(e.target.value as TimelineKind | '')}
            data-testid="timeline-kind-filter"
          >
            <option value="">all</option>
            {timelineKindSchema.options.map((k) => (
              <option key={k} value={k} disabled={!counts.has(k)}>
                {kindWords[k].label} ({counts.get(k) ?? 0})
              </option>
            ))}
          </select>
        </label>
      </div>
      {/* Focusable so keyboard users can scroll it; a feed of article entries, newest first. */}
      <div
        ref={scroller}
        className="inc-timeline-scroll"
        role="feed"
        aria-label="Timeline entries, newest first"
        tabIndex={0}
        data-testid="timeline-scroll"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const entry = shown[item.index]!;
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                className="inc-timeline-row"
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <TimelineEntryRow
                  entry={entry}
                  endpointName={entry.endpointId ? (names.get(entry.endpointId) ?? entry.endpointId) : null}
                  timeFormat={timeFormat}
                  theme={theme}
                  actions={actions}
                  showDay={spansDays}
                />
              </div>
            );
          })}
        </div>
        {shown.length === 0 ? <p className="muted inc-timeline-empty">No entries of this kind.</p> : null}
      </div>
    </section>
  );
}
