import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { routeHash } from '../../routing/routes';
import { formatDate } from '../../format/display-format';
import { selectTheme, useFleet } from '../../stores/fleet.store';
import '../../styles/spend.css';
import { ViewHeader } from '../ViewHeader';
import { FigureFreshness } from './FigureFreshness';
import { GpuHoursChart } from './GpuHoursChart';
import { SpendFigures } from './SpendFigures';
import { SpendOverTimeChart, SPEND_MAX_GROUPS } from './SpendOverTimeChart';
import { clock, figureFreshness, type FreshnessContext } from './spend-format';
import {
  parseSpendParams,
  rangeOf,
  spendGroupings,
  spendHash,
  spendRanges,
  type SpendParams,
} from './spend-url';
import { TopMovers } from './TopMovers';
import { UnitCostsTable } from './UnitCostsTable';

const formatStep = (ms: number) =>
  ms >= 3_600_000
    ? `${ms / 3_600_000} h`
    : ms >= 60_000
      ? `${ms / 60_000} min`
      : `${Math.round(ms / 1000)} s`;

const subscribeHash = (notify: () => void) => {
  window.addEventListener('hashchange', notify);
  return () => window.removeEventListener('hashchange', notify);
};

/** The grouping and range live in the address (`#/spend?by=model&range=7d`), so reload and links keep them. */
function useSpendParams(): [SpendParams, (next: SpendParams) => void] {
  const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
  const params = useMemo(() => parseSpendParams(hash), [hash]);
  const set = (next: SpendParams) => {
    window.history.replaceState(null, '', spendHash(next));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  return [params, set];
}

function useFreshnessContext(): FreshnessContext {
  const connection = useFleet((s) => s.connection);
  const staleAfterSeconds = useFleet((s) => s.settings?.staleAfterSeconds ?? 60);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  // Re-evaluated on each fetch (every 10 s), which is as often as the words can change.
  const fetchedAt = useFleet((s) => s.spendFetchedAt);
  return { connection, staleAfterSeconds, timeFormat, now: fetchedAt ?? 0 };
}

function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
  testId,
}: {
  label: string;
  options: ReadonlyArray<{ id: T; label: string }>;
  value: T;
  onChange: (id: T) => void;
  testId: string;
}) {
  return (
    <div className="spend-segmented" role="group" aria-label={label} data-testid={testId}>
      <span className="spend-segmented-label">{label}</span>
      {options.map((o) => (
        <button
          key={o.id}
          type="button"
          className="spend-segment"
          aria-pressed={o.id === value}
          data-value={o.id}
          onClick={() => onChange(o.id)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

function EmptySpend() {
  return (
    <section className="panel spend-empty" data-testid="spend-empty">
      <h2 className="panel-title">No spend recorded yet</h2>
      <p>
        Spend accrues on every fleet tick (every 5 s) once a source reports endpoints with a known price: GPU
        endpoints cost their allocated GPUs at the node's price per GPU, hosted APIs their tokens at the
        model's token prices.
      </p>
      <p>
        <a className="link" href={routeHash('sources')}>
          Add or check a source in Settings › Sources
        </a>{' '}
        — the figures appear here within seconds of the first tick.
      </p>
    </section>
  );
}

/**
 * Spend (issue 4): spend over time stacked by source, cluster, model or version; $/1k tokens
 * per model; GPU-hours by GPU type; today's top movers; today's total and the projected month.
 * Every figure says how fresh it is; the view refreshes every 10 s while open.
 */
export function SpendView() {
  const [params, setParams] = useSpendParams();
  const watchSpend = useFleet((s) => s.watchSpend);
  const overview = useFleet((s) => s.spendOverview);
  const units = useFleet((s) => s.spendUnits);
  const gpus = useFleet((s) => s.spendGpus);
  const today = useFleet((s) => s.spendToday);
  const error = useFleet((s) => s.spendError);
  const loading = useFleet((s) => s.spendLoading);
  const fetchedAt = useFleet((s) => s.spendFetchedAt);
  const theme = useFleet(selectTheme);
  const ctx = useFreshnessContext();
  const range = rangeOf(params.range);

  useEffect(() => watchSpend(params), [watchSpend, params]);

  const matching = overview && overview.groupBy === params.by && overview.to - overview.from === range.ms;
  const empty = today !== null && today.totalUsd === 0 && overview !== null && overview.groups.length === 0;
  const grouping = spendGroupings.find((g) => g.id === params.by)!.label.toLowerCase();

  return (
    <div
      className="view spend-view"
      data-testid="spend-view"
      data-by={params.by}
      data-range={params.range}
      data-loaded={today !== null && matching ? 'true' : 'false'}
      data-fetched-at={fetchedAt ?? ''}
      aria-busy={loading}
    >
      <ViewHeader
        title="Spend"
        subtitle={
          <>
            What the fleet costs: GPU time at node prices and hosted tokens at list prices.
            {fetchedAt ? ` Updated ${clock(fetchedAt, ctx, true)}, every 10 s.` : ''}
          </>
        }
        actions={
          <div className="spend-controls">
            <Segmented
              label="Group by"
              options={spendGroupings}
              value={params.by}
              onChange={(by) => setParams({ ...params, by })}
              testId="spend-group-by"
            />
            <Segmented
              label="Range"
              options={spendRanges}
              value={params.range}
              onChange={(r) => setParams({ ...params, range: r })}
              testId="spend-range"
            />
          </div>
        }
      />
      {error ? (
        <ErrorNotice title="Spend figures could not be loaded" error={error} testId="spend-error" />
      ) : null}
      {today === null ? (
        error ? null : (
          <p className="panel-loading">Loading spend…</p>
        )
      ) : empty ? (
        <EmptySpend />
      ) : (
        <>
          <SpendFigures
            today={today}
            overview={matching ? overview : null}
            rangeLabel={range.label}
            ctx={ctx}
          />
          <section className="panel spend-panel" aria-labelledby="spend-over-time-title">
            <div className="spend-panel-head">
              <h2 className="panel-title" id="spend-over-time-title">
                Spend per hour by {grouping}, last {range.label}
              </h2>
              <FigureFreshness freshness={figureFreshness(overview?.dataAt, ctx)} />
            </div>
            {matching ? (
              overview.groups.length === 0 ? (
                <p className="muted">No spend in this range yet.</p>
              ) : (
                <>
                  <SpendOverTimeChart overview={overview} theme={theme} />
                  <p className="spend-method">
                    Each band is the sum of its endpoints' spend per hour, averaged per{' '}
                    {formatStep(overview.stepMs)} step; the top {SPEND_MAX_GROUPS - 1}{' '}
                    {grouping === 'version' ? 'versions' : `${grouping}s`} by spend are shown, the rest
                    summed.
                    {overview.dataFrom !== null && overview.dataFrom > overview.from
                      ? ` Spend was first recorded at ${formatDate(overview.dataFrom)} ${clock(overview.dataFrom, ctx)}; the chart starts there.`
                      : ''}
                  </p>
                </>
              )
            ) : (
              <p className="panel-loading">Loading…</p>
            )}
          </section>
          <div className="spend-columns">
            <section className="panel spend-panel" aria-labelledby="spend-units-title">
              <div className="spend-panel-head">
                <h2 className="panel-title" id="spend-units-title">
                  Cost per 1k tokens by model, last {range.label}
                </h2>
                <FigureFreshness freshness={figureFreshness(units?.dataAt, ctx)} />
              </div>
              {units ? <UnitCostsTable units={units} /> : null}
              <p className="spend-method">
                Spend over the range ÷ tokens served (prompt + output token rates integrated) × 1000. Idle GPU
                time counts: a model with little traffic costs more per token.
              </p>
            </section>
            <section className="panel spend-panel" aria-labelledby="spend-gpus-title">
              <div className="spend-panel-head">
                <h2 className="panel-title" id="spend-gpus-title">
                  GPU-hours by GPU type, last {range.label}
                </h2>
                <FigureFreshness freshness={figureFreshness(gpus?.dataAt, ctx)} />
              </div>
              {gpus && gpus.byType.length > 0 ? (
                <GpuHoursChart gpus={gpus} theme={theme} />
              ) : (
                <p className="muted">No GPU time recorded in this range yet.</p>
              )}
              <p className="spend-method">
                Allocated GPUs × time, accrued on every fleet tick
                {gpus?.recordingSince
                  ? ` since the hour of ${formatDate(gpus.recordingSince)} ${clock(gpus.recordingSince, ctx)}`
                  : ''}
                .
              </p>
            </section>
          </div>
          <section className="panel spend-panel" aria-labelledby="spend-movers-title">
            <div className="spend-panel-head">
              <h2 className="panel-title" id="spend-movers-title">
                Today's top movers
              </h2>
              <FigureFreshness freshness={figureFreshness(today.dataAt, ctx)} />
            </div>
            <TopMovers today={today} />
          </section>
        </>
      )}
    </div>
  );
}
