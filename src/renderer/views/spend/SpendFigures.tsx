import type { SpendOverviewResult, SpendTodayResult } from '../../stores/spend.slice';
import { FigureFreshness } from './FigureFreshness';
import { clock, figureFreshness, formatMoney, formatRate, type FreshnessContext } from './spend-format';

/**
 * The headline figures: today's total (the same accruals as each endpoint's "spend today"),
 * the current rate, the projected month with its method in words, and the chart's range total.
 * `data-today-usd` and `data-tick-at` let a test compare what is on screen with the API at the
 * fleet tick the figure was computed on.
 */
export function SpendFigures({
  today,
  overview,
  rangeLabel,
  ctx,
}: {
  today: SpendTodayResult;
  overview: SpendOverviewResult | null;
  rangeLabel: string;
  ctx: FreshnessContext;
}) {
  const fresh = figureFreshness(today.dataAt, ctx);
  const monthName = new Date(`${today.projection.month}-01T12:00:00`).toLocaleString('en-US', {
    month: 'long',
    year: 'numeric',
  });
  return (
    <section className="spend-figures" aria-label="Spend figures">
      <div
        className="spend-figure"
        data-testid="spend-today"
        data-today-usd={today.totalUsd}
        data-tick-at={today.tickAt ?? ''}
        data-at={today.at}
      >
        <div className="spend-figure-label">Today ({today.day})</div>
        <div className="spend-figure-value" data-testid="spend-today-value">
          {formatMoney(today.totalUsd)}
        </div>
        <div className="spend-figure-note">
          {today.endpoints} endpoints · since local midnight
          {today.tickAt ? ` · as of ${clock(today.tickAt, ctx, true)}` : ''}
        </div>
        <FigureFreshness freshness={fresh} />
      </div>
      <div className="spend-figure" data-testid="spend-rate">
        <div className="spend-figure-label">Spend rate now</div>
        <div className="spend-figure-value">{formatRate(today.ratePerHour)}</div>
        <div className="spend-figure-note">Sum of every endpoint's newest spend per hour</div>
        <FigureFreshness freshness={fresh} />
      </div>
      <div className="spend-figure" data-testid="spend-projection">
        <div className="spend-figure-label">Projected {monthName}</div>
        <div className="spend-figure-value">{formatMoney(today.projection.projectedUsd)}</div>
        <div className="spend-figure-note" data-testid="spend-projection-method">
          {formatMoney(today.projection.monthToDateUsd)} month to date + {formatRate(today.ratePerHour)} ×{' '}
          {Math.round(today.projection.hoursLeft)} h left. {today.projection.method}
        </div>
        <FigureFreshness freshness={fresh} />
      </div>
      <div className="spend-figure" data-testid="spend-range-total">
        <div className="spend-figure-label">Last {rangeLabel}</div>
        <div className="spend-figure-value">{overview ? `≈ ${formatMoney(overview.totalUsd)}` : '…'}</div>
        <div className="spend-figure-note">The chart's rate integrated over its steps</div>
        <FigureFreshness freshness={figureFreshness(overview?.dataAt, ctx)} />
      </div>
    </section>
  );
}
