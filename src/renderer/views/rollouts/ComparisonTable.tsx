import type { RolloutComparison } from '../../../shared/contract/index';
import { formatDuration } from '../runbooks/run-words';
import {
  comparisonVerdictWords,
  formatPlanMetric,
  formatPValue,
  formatSigned,
  metricLabel,
} from './rollout-words';

const percent = (r: number | null) =>
  r === null || !Number.isFinite(r)
    ? ''
    : ` (${r > 0 ? '+' : r < 0 ? '−' : ''}${Math.abs(r * 100).toFixed(1)} %)`;

/** The A/B result side by side: both means, the difference with its 95 % interval, and what it means. */
export function ComparisonTable({ comparison }: { comparison: RolloutComparison }) {
  return (
    <div className="panel ro-comparison" data-testid="rollout-comparison">
      <h2 className="panel-title">A/B comparison</h2>
      <p className="muted">
        Over {formatDuration(comparison.windowTo - comparison.windowFrom)} of traffic. A difference counts
        when its 95 % interval leaves out zero.
      </p>
      <table className="rb-history ro-comparison-table">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Stable</th>
            <th scope="col">Candidate</th>
            <th scope="col">Difference</th>
            <th scope="col">95 % CI</th>
            <th scope="col">p-value</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {comparison.metrics.map((m) => {
            const words = comparisonVerdictWords[m.verdict];
            return (
              <tr key={m.metric} data-testid="comparison-row" data-metric={m.metric} data-verdict={m.verdict}>
                <td>
                  {metricLabel(m.metric)}
                  <span className="muted ro-sub">
                    {m.samples.stable} / {m.samples.candidate} samples
                  </span>
                </td>
                <td className="rb-num">{formatPlanMetric(m.metric, m.stable)}</td>
                <td className="rb-num">{formatPlanMetric(m.metric, m.candidate)}</td>
                <td className="rb-num">
                  {formatSigned(m.metric, m.difference)}
                  {percent(m.relativeDifference)}
                </td>
                <td className="rb-num">
                  {m.ciLow === null || m.ciHigh === null
                    ? '—'
                    : `${formatSigned(m.metric, m.ciLow)} … ${formatSigned(m.metric, m.ciHigh)}`}
                </td>
                <td className="rb-num">{formatPValue(m.pValue)}</td>
                <td className={`tone-${words.tone}`}>{words.label}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
