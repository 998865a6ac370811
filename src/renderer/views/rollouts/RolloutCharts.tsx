import { useMemo, useState } from 'react';
import type { Rollout } from '../../../shared/contract/index';
import { isMetricName } from '../../../shared/fleet/metrics';
import { formatClock } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';
import { LiveChart } from '../endpoint-detail/LiveChart';
import { metricLabel } from './rollout-words';
import { rolloutPanels } from './rollout-charts-model';

const POLL_MS = 5_000;
const MIN_RANGE_MS = 5 * 60_000;
const MAX_RANGE_MS = 6 * 3600_000;
const MARGIN_MS = 60_000;

/**
 * Live charts of the candidate against the stable version for each metric the plan analyses,
 * with the analysis limits drawn (the endpoint detail's LiveChart: one instance per panel, bounded
 * series, paused while hovered or zoomed). The window covers the rollout from its start; once
 * it has ended, exactly its own window (a minute either side), fixed, so a rollout reviewed
 * later shows what its analysis saw rather than the last few minutes.
 */
export function RolloutCharts({ rollout }: { rollout: Rollout }) {
  const panels = useMemo(
    () => rolloutPanels(rollout.plan, rollout.candidateEndpointId),
    [rollout.plan, rollout.candidateEndpointId],
  );
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const clock = (at: number) => formatClock(at, timeFormat);
  const endAt = rollout.endedAt === null ? null : rollout.endedAt + MARGIN_MS;
  // Fixed when the page opens (a range that moved every update would refetch every panel).
  const [liveRangeMs] = useState(() =>
    Math.min(MAX_RANGE_MS, Math.max(MIN_RANGE_MS, Date.now() - rollout.startedAt + MARGIN_MS)),
  );
  const rangeMs =
    endAt === null
      ? liveRangeMs
      : Math.min(MAX_RANGE_MS, Math.max(MIN_RANGE_MS, endAt - rollout.startedAt + MARGIN_MS));
  const [hovering, setHovering] = useState(false);
  const [zoomed, setZoomed] = useState(false);
  const [resumeToken, setResumeToken] = useState(0);
  const paused = hovering || zoomed;
  if (panels.length === 0) return null;
  const charted = panels.filter((p) => p.defs !== null);
  const measuredOnly = panels.filter((p) => p.defs === null);
  return (
    <div className="ro-charts" data-testid="rollout-charts">
      <div className="ro-section-head">
        <h2 className="panel-title">Candidate against stable</h2>
        {paused ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              setHovering(false);
              setZoomed(false);
              setResumeToken((t) => t + 1);
            }}
          >
            ‖ Paused ({zoomed ? 'zoomed' : 'hovering'}) — resume
          </button>
        ) : endAt !== null ? (
          <span className="muted" data-testid="rollout-window">
            The rollout&apos;s window: {clock(endAt - rangeMs)} – {clock(endAt)}
          </span>
        ) : (
          <span className="live-dot">● Live, every {POLL_MS / 1000} s</span>
        )}
      </div>
      {!rollout.candidateEndpointId ? (
        <p className="muted">The candidate is not in the fleet yet: only the stable version is drawn.</p>
      ) : null}
      <div className="chart-grid">
        {charted.map((p) => (
          <LiveChart
            key={p.metric}
            title={`${metricLabel(p.metric)} — ${p.expressions.join(', ') || 'compared'}`}
            testId={`rollout-chart-${p.metric}`}
            defs={p.defs!}
            axes={[isMetricName(p.metric) ? p.metric : 'request_rate']}
            guides={p.guides}
            rangeMs={rangeMs}
            endAt={endAt}
            paused={paused}
            pollMs={POLL_MS}
            resumeToken={resumeToken}
            group={`rollout:${rollout.id}`}
            onHover={setHovering}
            onZoom={setZoomed}
          />
        ))}
      </div>
      {measuredOnly.length > 0 ? (
        <p className="muted ro-measured-only">
          Measured at each analysis rather than charted (see the decision log):{' '}
          {measuredOnly
            .map((p) => `${metricLabel(p.metric)} (${p.expressions.join(', ') || 'compared'})`)
            .join('; ')}
          .
        </p>
      ) : null}
    </div>
  );
}
