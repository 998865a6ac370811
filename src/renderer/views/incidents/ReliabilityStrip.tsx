import { useEffect } from 'react';
import { formatDate } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';
import { formatDuration } from './incident-words';

const WEEKS = 8;

const seconds = (s: number | null) => formatDuration(s === null ? null : s * 1000);

/**
 * Fleet reliability over the last 8 weeks (issue 7, offline review): incidents per week as small
 * bars, MTTD / MTTM / MTTR, and SLO attainment per model. Figures, not a chart: eight bars read
 * at a glance and cost no chart instance.
 */
export function ReliabilityStrip() {
  const reliability = useFleet((s) => s.reliability);
  const error = useFleet((s) => s.reliabilityError);
  const load = useFleet((s) => s.loadReliability);
  // Re-read when an incident is added or changes state (what moves the figures), not on every
  // timeline entry of a busy one.
  const shape = useFleet((s) => s.incidentList?.map((r) => `${r.id}:${r.state}`).join(',') ?? '');
  useEffect(() => void load(WEEKS), [load, shape]);
  if (!reliability) {
    return error ? (
      <p className="muted inc-reliability" data-testid="incident-reliability-error">
        Reliability figures unavailable: {error.message}
      </p>
    ) : null;
  }
  const peak = Math.max(1, ...reliability.weeks.map((w) => w.incidents));
  return (
    <section
      className="panel inc-reliability"
      aria-label="Reliability, last 8 weeks"
      data-testid="incident-reliability"
    >
      <div className="inc-rel-weeks" role="list" aria-label="Incidents per week">
        {reliability.weeks.map((w) => (
          <div
            key={w.weekStart}
            className="inc-rel-week"
            role="listitem"
            title={`Week of ${formatDate(w.weekStart)}: ${w.incidents} incident${w.incidents === 1 ? '' : 's'}`}
          >
            <span className="inc-rel-bar" style={{ height: `${(w.incidents / peak) * 100}%` }} />
            <span className="inc-rel-n">{w.incidents}</span>
          </div>
        ))}
      </div>
      <dl className="inc-rel-figures">
        <div>
          <dt>Incidents</dt>
          <dd data-testid="incident-rel-total">{reliability.totals.incidents}</dd>
        </div>
        <div>
          <dt>MTTD</dt>
          <dd>{seconds(reliability.totals.mttdS)}</dd>
        </div>
        <div>
          <dt>MTTM</dt>
          <dd>{seconds(reliability.totals.mttmS)}</dd>
        </div>
        <div>
          <dt>MTTR</dt>
          <dd>{seconds(reliability.totals.mttrS)}</dd>
        </div>
      </dl>
      {reliability.sloAttainment.length > 0 ? (
        <ul className="inc-rel-slo" aria-label="SLO attainment per model">
          {reliability.sloAttainment.map((m) => (
            <li key={m.model} title={`Out of SLO ${seconds(m.breachS)} in the window`}>
              <span className="muted">{m.model}</span>{' '}
              <strong
                className={
                  m.attainment >= 0.999 ? 'tone-ok' : m.attainment >= 0.99 ? 'tone-warning' : 'tone-error'
                }
              >
                {(m.attainment * 100).toFixed(m.attainment >= 0.999 ? 2 : 1)} %
              </strong>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
