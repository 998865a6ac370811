import { useCallback, useMemo, useRef } from 'react';
import { formatMetric } from '../../../shared/fleet/format';
import { chartPalette, type ChartPalette } from '../../charts/chart-theme';
import { EChart } from '../../charts/EChart';
import { echarts, type ECElementEvent, type EChartsCoreOption } from '../../charts/echarts-setup';
import { ensureWorldMap } from '../../charts/world-map';
import { HealthWord } from './HealthWord';
import { healthGlyph, healthWords, symbolSize, type RegionAggregate } from './fleet-model';
import { endpointsHash, openHash } from './fleet-url';

export const FLEET_MAP_RENDERED_MARK = 'fleetdeck:fleet-map-rendered';

const esc = (text: string) => echarts.format.encodeHTML(text);

function tooltipHtml(r: RegionAggregate): string {
  const h = r.health;
  const counts = (['critical', 'warning', 'unknown', 'ok'] as const)
    .filter((k) => h[k] > 0)
    .map((k) => `${healthGlyph[k]} ${h[k]} ${healthWords[k].toLowerCase()}`)
    .join(' · ');
  const clusters = r.clusters
    .slice(0, 8)
    .map(
      (c) =>
        `<tr><td>${healthGlyph[worstOfCounts(c.health)]} ${esc(c.cluster)}</td><td>${esc(c.source)}</td>` +
        `<td class="num">${c.health.total}</td><td class="num">${esc(formatMetric('request_rate', c.requestRate))}</td></tr>`,
    )
    .join('');
  const more =
    r.clusters.length > 8 ? `<div class="muted">and ${r.clusters.length - 8} more clusters</div>` : '';
  return (
    `<div class="fleet-tip"><strong>${esc(r.label)}</strong> <span class="muted">${esc(r.region)}</span>` +
    `<div>${healthGlyph[r.worst]} ${healthWords[r.worst]} — ${counts}</div>` +
    `<div>${h.total} endpoints · ${esc(formatMetric('request_rate', r.requestRate))} · errors ${esc(
      formatMetric('error_rate', r.errorRate),
    )} · ${esc(formatMetric('spend_per_hour', r.spendPerHour))}</div>` +
    `<table><tr class="muted"><td>Cluster</td><td>Source</td><td class="num">Endpoints</td><td class="num">Traffic</td></tr>${clusters}</table>${more}` +
    `<div class="muted">Click to list its endpoints</div></div>`
  );
}

const worstOfCounts = (c: RegionAggregate['health']) =>
  c.critical > 0 ? 'critical' : c.warning > 0 ? 'warning' : c.unknown > 0 ? 'unknown' : 'ok';

/** The static part (the world, tooltip shell); built once per theme, merged under the live series. */
function baseOption(palette: ChartPalette): EChartsCoreOption {
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: palette.panel,
      borderColor: palette.landBorder,
      textStyle: { color: palette.text, fontSize: 12 },
      extraCssText: 'box-shadow: 0 4px 16px rgba(0,0,0,0.25); max-width: 420px;',
    },
    geo: {
      id: 'world',
      map: ensureWorldMap(),
      roam: true,
      scaleLimit: { min: 1, max: 8 },
      left: 8,
      right: 8,
      top: 8,
      bottom: 8,
      silent: true,
      itemStyle: { areaColor: palette.land, borderColor: palette.landBorder, borderWidth: 0.6 },
      emphasis: { disabled: true },
      select: { disabled: true },
      tooltip: { show: false },
    },
  };
}

function regionSeries(regions: RegionAggregate[], palette: ChartPalette) {
  const placed = regions.filter((r) => r.place !== null);
  const maxRate = Math.max(0, ...placed.map((r) => r.requestRate));
  const byName = new Map(placed.map((r) => [r.region, r]));
  return {
    id: 'regions',
    type: 'scatter',
    // Its own canvas layer: a live update repaints the region symbols, not the world beneath.
    zlevel: 1,
    coordinateSystem: 'geo',
    geoId: 'world',
    cursor: 'pointer',
    labelLayout: { moveOverlap: 'shiftY' },
    tooltip: {
      formatter: (p: { name: string }) => {
        const r = byName.get(p.name);
        return r ? tooltipHtml(r) : '';
      },
    },
    label: {
      show: true,
      position: 'right',
      distance: 6,
      color: palette.text,
      fontSize: 12,
      lineHeight: 16,
      textBorderColor: palette.panel,
      textBorderWidth: 3,
    },
    emphasis: { scale: 1.15, label: { fontWeight: 'bold' } },
    // Critical last, so it draws on top of a neighbour.
    data: [...placed]
      .sort((a, b) => rank(a.worst) - rank(b.worst))
      .map((r) => ({
        id: r.region,
        name: r.region,
        value: [r.place!.lon, r.place!.lat, r.requestRate],
        symbolSize: symbolSize(r.requestRate, maxRate),
        itemStyle: {
          color: palette.health[r.worst],
          opacity: 0.85,
          borderColor: palette.panel,
          borderWidth: 1.5,
        },
        label: {
          // Left of the symbol when a neighbour sits just east (Oregon next to N. Virginia).
          // Below it when neighbours sit on both sides (Ohio between Oregon and N. Virginia).
          position: crowdedEast(r, placed) ? (crowdedWest(r, placed) ? 'bottom' : 'left') : 'right',
          formatter: `${r.label}\n${healthGlyph[r.worst]} ${healthLine(r)}`,
        },
      })),
  };
}

/** "OK", or how many are in the worst state: "15 critical" reads calmer than a red "Critical". */
const healthLine = (r: RegionAggregate) =>
  r.worst === 'ok' || r.worst === 'unknown'
    ? healthWords[r.worst]
    : `${r.health[r.worst].toLocaleString('en-US')} ${r.worst}`;

const crowdedEast = (r: RegionAggregate, all: RegionAggregate[]) =>
  all.some(
    (o) =>
      o !== r &&
      o.place!.lon > r.place!.lon &&
      o.place!.lon - r.place!.lon < 30 &&
      Math.abs(o.place!.lat - r.place!.lat) < 12,
  );

const crowdedWest = (r: RegionAggregate, all: RegionAggregate[]) =>
  all.some(
    (o) =>
      o !== r &&
      o.place!.lon < r.place!.lon &&
      r.place!.lon - o.place!.lon < 40 &&
      Math.abs(o.place!.lat - r.place!.lat) < 12,
  );

const rank = (s: RegionAggregate['worst']) => ({ ok: 0, unknown: 1, warning: 2, critical: 3 })[s];

/**
 * The geographic fleet: one symbol per cloud region, sized by traffic (area ∝ requests/s),
 * coloured by the worst endpoint health and labelled with the health in words. Beside it, the
 * same regions as a list, for reading exact counts and for regions regions.json does not know.
 */
export function FleetMap({ regions, theme }: { regions: RegionAggregate[]; theme: 'light' | 'dark' }) {
  const palette = chartPalette(theme);
  const base = useMemo(() => baseOption(palette), [palette]);
  const option = useMemo(
    () => ({ ...base, series: [regionSeries(regions, palette)] }),
    [base, regions, palette],
  );
  const rendered = useRef(false);
  const box = useRef<HTMLDivElement>(null);
  const onRendered = useCallback(() => {
    box.current?.setAttribute('data-rendered', 'true');
    if (!rendered.current) {
      rendered.current = true;
      performance.mark(FLEET_MAP_RENDERED_MARK);
    }
  }, []);
  const onClick = useCallback((event: ECElementEvent) => {
    if (event.seriesId === 'regions' && typeof event.name === 'string') {
      openHash(endpointsHash({ region: event.name }));
    }
  }, []);
  const unplaced = regions.filter((r) => r.place === null);
  const total = regions.reduce((sum, r) => sum + r.health.total, 0);
  return (
    <div className="fleet-map" ref={box} data-testid="fleet-map" data-endpoints={total}>
      <EChart
        className="fleet-map-chart"
        option={option}
        onClick={onClick}
        onRendered={onRendered}
        ariaLabel={`World map of ${regions.length} regions; the list beside it has the same figures`}
      />
      <section className="fleet-regions" aria-label="Regions">
        <h2 className="fleet-panel-title">Regions</h2>
        <ul>
          {regions.map((r) => (
            <li
              key={r.region}
              data-testid="fleet-region"
              data-region={r.region}
              data-health={r.worst}
              data-total={r.health.total}
              data-ok={r.health.ok}
              data-warning={r.health.warning}
              data-critical={r.health.critical}
              data-unknown={r.health.unknown}
            >
              <a href={endpointsHash({ region: r.region })} className="fleet-region-link">
                <span className="fleet-region-name">{r.label}</span>
                <HealthWord status={r.worst} />
                <span className="fleet-region-figures">
                  <span className="fleet-region-code">{r.region}</span> · {r.health.total} endpoints ·{' '}
                  {formatMetric('request_rate', r.requestRate)}
                  {r.health.critical + r.health.warning > 0 ? (
                    <span className="fleet-region-bad">
                      {r.health.critical > 0 ? ` · ${r.health.critical} critical` : ''}
                      {r.health.warning > 0 ? ` · ${r.health.warning} warning` : ''}
                    </span>
                  ) : null}
                </span>
                <span className="fleet-region-clusters">{r.clusters.map((c) => c.cluster).join(', ')}</span>
              </a>
            </li>
          ))}
        </ul>
        {unplaced.length > 0 ? (
          <p className="fleet-note">
            Not on the map (unknown region code): {unplaced.map((r) => r.region).join(', ')}.
          </p>
        ) : null}
      </section>
    </div>
  );
}
