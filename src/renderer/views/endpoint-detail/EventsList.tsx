import type { EndpointDetail } from '../../stores/endpoint-detail.slice';
import { formatClock } from '../../format/display-format';
import { WarningIcon } from '../../components/icons';

/** Recent Kubernetes events, newest first; Warnings carry an icon and the word, not just colour. */
export function EventsList({
  events,
  timeFormat,
}: {
  events: EndpointDetail['events'];
  timeFormat: '24h' | '12h';
}) {
  const sorted = [...events].sort((a, b) => b.at - a.at).slice(0, 50);
  return (
    <section className="panel events" data-testid="events-list">
      <h3>Recent events ({events.length})</h3>
      {sorted.length === 0 ? (
        <p className="muted">No recent events.</p>
      ) : (
        <ul>
          {sorted.map((ev, i) => (
            <li
              key={`${ev.at}-${ev.reason}-${i}`}
              className={ev.type === 'Warning' ? 'event event-warning' : 'event'}
              data-testid="event-row"
              data-type={ev.type}
            >
              <span className="event-time">{formatClock(ev.at, timeFormat, true)}</span>
              <span className="event-type">
                {ev.type === 'Warning' ? <WarningIcon /> : null}
                {ev.type}
              </span>
              <strong className="event-reason">{ev.reason}</strong>
              <span className="event-message">{ev.message}</span>
              {ev.count > 1 ? <span className="event-count">×{ev.count}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
