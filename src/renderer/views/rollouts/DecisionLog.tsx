import type { Rollout, Settings } from '../../../shared/contract/index';
import { formatClock } from '../../format/display-format';
import { VerdictBadge } from './RolloutBadges';
import { formatPlanMetric, metricLabel } from './rollout-words';

const kindWords: Record<Rollout['decisions'][number]['kind'], string> = {
  weight: 'Weight',
  measurement: 'Analysis',
  pause: 'Paused',
  resume: 'Resumed',
  promote: 'Promoted',
  abort: 'Aborted',
  fail: 'Failed',
  complete: 'Completed',
  note: 'Note',
};

/** Every decision in words, newest first, with the values that caused it and who made it. */
export function DecisionLog({
  rollout,
  timeFormat,
}: {
  rollout: Rollout;
  timeFormat: Settings['timeFormat'];
}) {
  const decisions = rollout.decisions.slice().sort((a, b) => b.at - a.at);
  return (
    <div className="panel ro-log" data-testid="decision-log">
      <h2 className="panel-title">Decision log</h2>
      {decisions.length === 0 ? <p className="muted">No decision yet.</p> : null}
      <ol className="ro-log-list">
        {decisions.map((d, i) => (
          <li
            key={`${d.at}:${i}`}
            className="ro-log-entry"
            data-testid="decision"
            data-kind={d.kind}
            data-verdict={d.verdict}
            data-weight={d.weight ?? ''}
          >
            <div className="ro-log-head">
              <time className="rb-num muted" dateTime={new Date(d.at).toISOString()}>
                {formatClock(d.at, timeFormat, true)}
              </time>
              <span className="ro-log-kind">{kindWords[d.kind]}</span>
              {d.verdict !== 'info' ? <VerdictBadge verdict={d.verdict} /> : null}
              <span className="muted">
                {/^\d+$/.test(d.step) ? `step ${Number(d.step) + 1}` : d.step}
                {d.weight !== null ? ` · weight ${d.weight} %` : ''} · {d.actor}
              </span>
            </div>
            <p className="ro-log-message" data-testid="decision-message">
              {d.message}
            </p>
            {d.measurements.length > 0 ? (
              <table className="ro-measurements">
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col">Candidate</th>
                    <th scope="col">Stable</th>
                    <th scope="col">Limit</th>
                    <th scope="col">Result</th>
                  </tr>
                </thead>
                <tbody>
                  {d.measurements.map((m, j) => (
                    <tr key={j}>
                      <td>{metricLabel(m.metric)}</td>
                      <td className="rb-num">{formatPlanMetric(m.metric, m.candidate)}</td>
                      <td className="rb-num">{formatPlanMetric(m.metric, m.stable)}</td>
                      <td className="rb-num">{formatPlanMetric(m.metric, m.threshold)}</td>
                      <td>
                        {m.ok === null ? (
                          <span className="tone-warning">? no data</span>
                        ) : m.ok ? (
                          <span className="tone-ok">✓ within</span>
                        ) : (
                          <span className="tone-error">✕ over the limit</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
