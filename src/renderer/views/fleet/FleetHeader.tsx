import { memo, useMemo } from 'react';
import type { FleetSummary, HealthStatus, Settings } from '../../../shared/contract/index';
import { defaultSettings } from '../../../shared/contract/index';
import { formatMetric, formatUsd } from '../../../shared/fleet/format';
import { formatClock } from '../../format/display-format';
import { useFleet, type FleetState } from '../../stores/fleet.store';
import { HealthWord } from './HealthWord';
import { formatCount, healthOrder } from './fleet-model';

export type FigureFreshness = { kind: 'live' | 'stale' | 'offline' | 'none'; label: string };

/**
 * Words for how fresh the fleet figures are: "live", "stale since 14:02", "offline since 14:02".
 * The core's own verdict (summary.freshness) unless the renderer knows better: no connection
 * means offline, and no delta for longer than "Stale after" means stale even if the last summary
 * said live.
 */
export function figureFreshness(input: {
  summary: FleetSummary['freshness'];
  connected: boolean;
  lastDeltaAt: number | null;
  now: number;
  staleAfterSeconds: number;
  timeFormat: Settings['timeFormat'];
}): FigureFreshness {
  const { summary, connected, lastDeltaAt, now, staleAfterSeconds, timeFormat } = input;
  const at = summary.at ?? lastDeltaAt;
  const since = at === null ? '' : ` since ${formatClock(at, timeFormat)}`;
  if (!connected || summary.state === 'offline') return { kind: 'offline', label: `offline${since}` };
  if (summary.state === 'unknown' || at === null) return { kind: 'none', label: 'no data yet' };
  const newest = Math.max(at, lastDeltaAt ?? 0);
  if (summary.state === 'stale' || (now > 0 && now - newest > staleAfterSeconds * 1000)) {
    return { kind: 'stale', label: `stale since ${formatClock(newest, timeFormat)}` };
  }
  return { kind: 'live', label: 'live' };
}

/** Large fleet figures stay one short line: "142k req/s", "$136,991/h". */
export function headerFigure(kind: 'requests' | 'spendHour' | 'spendToday', value: number): string {
  if (kind === 'requests')
    return value >= 10_000
      ? `${(value / 1000).toFixed(value >= 100_000 ? 0 : 1)}k req/s`
      : formatMetric('request_rate', value);
  const whole = value >= 10_000;
  const text = whole ? `$${formatCount(Math.round(value))}` : formatUsd(value);
  return kind === 'spendHour' ? `${text}/h` : text;
}

/** One figure; memoised on what it shows, so a tick re-renders only the figures that moved. */
const Figure = memo(function Figure({
  label,
  value,
  freshness,
  testId,
  title,
}: {
  label: string;
  value: string;
  freshness: FigureFreshness;
  testId: string;
  title?: string;
}) {
  return (
    <div className="fleet-figure" data-testid={testId} title={title}>
      <div className="fleet-figure-label">{label}</div>
      <div className="fleet-figure-value">{value}</div>
      <div className={`fleet-freshness is-${freshness.kind}`} data-freshness={freshness.kind}>
        {freshness.label}
      </div>
    </div>
  );
});

/**
 * How fresh the figures are, selected as two strings: the status poll moves `now` every few
 * seconds, and the header re-renders only when the words it shows change.
 */
function useFigureFreshness(summary: FleetSummary['freshness']): FigureFreshness {
  const of = (s: FleetState) =>
    figureFreshness({
      summary,
      connected: s.connection === 'connected',
      lastDeltaAt: s.fleetUpdatedAt,
      now: s.status?.at ?? 0,
      staleAfterSeconds: s.settings?.staleAfterSeconds ?? defaultSettings.staleAfterSeconds,
      timeFormat: s.settings?.timeFormat ?? defaultSettings.timeFormat,
    });
  const kind = useFleet((s) => of(s).kind);
  const label = useFleet((s) => of(s).label);
  return useMemo(() => ({ kind, label }), [kind, label]);
}

/** The fleet in one row of figures, each saying how fresh it is. */
export const FleetHeader = memo(function FleetHeader({ summary }: { summary: FleetSummary }) {
  const freshness = useFigureFreshness(summary.freshness);
  const counts = summary.endpoints;
  return (
    <section className="fleet-header" aria-label="Fleet figures" data-testid="fleet-header">
      <div
        className="fleet-figure fleet-health"
        data-testid="fleet-health-counts"
        data-total={counts.total}
        data-ok={counts.ok}
        data-warning={counts.warning}
        data-critical={counts.critical}
        data-unknown={counts.unknown}
      >
        <div className="fleet-figure-label">{formatCount(counts.total)} endpoints</div>
        <ul className="fleet-health-list">
          {healthOrder.map((status: HealthStatus) => (
            <li key={status} className={counts[status] === 0 ? 'is-zero' : undefined}>
              <HealthWord status={status} label={`${formatCount(counts[status])} ${wordOf(status)}`} />
            </li>
          ))}
        </ul>
        <div className={`fleet-freshness is-${freshness.kind}`} data-freshness={freshness.kind}>
          {freshness.label}
        </div>
      </div>
      <Figure
        label="Requests/s"
        value={headerFigure('requests', summary.requestRate)}
        title={formatMetric('request_rate', summary.requestRate)}
        freshness={freshness}
        testId="fleet-figure-requests"
      />
      <Figure
        label="Latency p95"
        value={formatMetric('latency_p95', summary.latencyP95)}
        freshness={freshness}
        testId="fleet-figure-p95"
        title="Request-weighted mean of endpoint p95s: an approximation, not a fleet-wide percentile"
      />
      <Figure
        label="Error rate"
        value={formatMetric('error_rate', summary.errorRate)}
        freshness={freshness}
        testId="fleet-figure-errors"
      />
      <Figure
        label="GPUs in use"
        value={formatCount(summary.gpusInUse)}
        freshness={freshness}
        testId="fleet-figure-gpus"
      />
      <Figure
        label="Spend"
        value={headerFigure('spendHour', summary.spendPerHour)}
        title={formatMetric('spend_per_hour', summary.spendPerHour)}
        freshness={freshness}
        testId="fleet-figure-spend-hour"
      />
      <Figure
        label="Spend today"
        value={headerFigure('spendToday', summary.spendToday)}
        title={formatUsd(summary.spendToday)}
        freshness={freshness}
        testId="fleet-figure-spend-today"
      />
    </section>
  );
});

const wordOf = (status: HealthStatus) =>
  ({ ok: 'ok', warning: 'warning', critical: 'critical', unknown: 'unknown' })[status];
