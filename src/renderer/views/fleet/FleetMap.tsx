import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HealthStatus } from '../../../shared/contract/index';
import { formatMetric } from '../../../shared/fleet/format';
import { chartPalette, type ChartPalette } from '../../charts/chart-theme';
import { EChart, geoViewOf, type GeoView } from '../../charts/EChart';
import {
  echarts,
  type ECElementEvent,
  type EChartsCoreOption,
  type EChartsType,
} from '../../charts/echarts-setup';
import { ensureWorldMap, WORLD_FRAME_MAP, worldBounds } from '../../charts/world-map';
import { HealthWord } from './HealthWord';
import { incidentHash } from '../../stores/incidents.slice';
import {
  formatCount,
  healthGlyph,
  healthWords,
  incidentLine,
  markChange,
  symbolSize,
  worstOf,
  type RegionAggregate,
  type RegionIncidents,
  type RegionMark,
} from './fleet-model';
import { endpointsHash, openHash } from './fleet-url';

export const FLEET_MAP_RENDERED_MARK = 'fleetdeck:fleet-map-rendered';

/** A symbol resized by traffic alone is redrawn at most this often; health changes show at once. */
export const TRAFFIC_REFRESH_MS = 20_000;

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
        `<tr><td>${healthGlyph[worstOf(c.health)]} ${esc(c.cluster)}</td><td>${esc(c.source)}</td>` +
        `<td class="num">${c.health.total}</td><td class="num">${esc(formatMetric('request_rate', c.requestRate))}</td></tr>`,
    )
    .join('');
  const more =
    r.clusters.length > 8 ? `<div class="muted">and ${r.clusters.length - 8} more clusters</div>` : '';
  return (
    `<div class="fleet-tip"><strong>${esc(r.label)}</strong> <span class="muted">${esc(r.region)}</span>` +
    // All fine says so once ("✓ All 7 OK"); otherwise the worst, then every count.
    (r.worst === 'ok'
      ? `<div>${healthGlyph.ok} All ${h.total} OK</div>`
      : `<div>${healthGlyph[r.worst]} ${healthWords[r.worst]} — ${counts}</div>`) +
    `<div>${h.total} endpoints · ${esc(formatMetric('request_rate', r.requestRate))} · errors ${esc(
      formatMetric('error_rate', r.errorRate),
    )} · ${esc(formatMetric('spend_per_hour', r.spendPerHour))}</div>` +
    `<table><tr class="muted"><td>Cluster</td><td>Source</td><td class="num">Endpoints</td><td class="num">Traffic</td></tr>${clusters}</table>${more}` +
    `<div class="muted">Click to list its endpoints</div></div>`
  );
}

/** Where both layers place the map in the chart: the same box and bounds, so they line up. */
const mapBox = { left: 8, right: 8, top: 8, bottom: 8 } as const;

/**
 * The world, drawn alone on the lower layer. ECharts rebuilds every country's shape whenever
 * anything on its chart updates (~7 ms and a heap of short-lived shapes at 1:110m), so live
 * updates go to the regions layer above, and this one redraws only when the user pans or zooms
 * (it follows the layer above, which takes the mouse) or the theme changes.
 */
function worldOption(palette: ChartPalette, view: GeoView | null): EChartsCoreOption {
  return {
    backgroundColor: 'transparent',
    animation: false,
    geo: {
      id: 'world',
      map: ensureWorldMap(),
      boundingCoords: worldBounds(),
      roam: false,
      ...mapBox,
      ...(view ? { center: view.center, zoom: view.zoom } : {}),
      silent: true,
      itemStyle: { areaColor: palette.land, borderColor: palette.landBorder, borderWidth: 0.6 },
      emphasis: { disabled: true },
      select: { disabled: true },
      tooltip: { show: false },
    },
  };
}

/**
 * The static part of the regions layer (its frame geo, the tooltip shell), built once per
 * theme and merged under the live series. The frame has the world's bounds and nothing to
 * draw; panning and zooming it moves the world beneath (FleetMap).
 */
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
      map: WORLD_FRAME_MAP,
      // Registers both maps (the world and this frame) before the option reaches ECharts.
      boundingCoords: worldBounds(),
      roam: true,
      scaleLimit: { min: 1, max: 8 },
      ...mapBox,
      silent: true,
      itemStyle: { areaColor: 'transparent', borderWidth: 0 },
      emphasis: { disabled: true },
      select: { disabled: true },
      // No `tooltip: { show: false }` here: ECharts reads a series item's tooltip through its
      // coordinate system's options too, so that hid every region's tooltip (the frame is
      // silent, so it shows none of its own).
    },
  };
}

/** The regions as drawn: critical last, so it draws on top of a neighbour. */
function regionMarks(
  regions: RegionAggregate[],
  incidents: ReadonlyMap<string, RegionIncidents>,
): RegionMark[] {
  const placed = regions.filter((r) => r.place !== null);
  const maxRate = Math.max(0, ...placed.map((r) => r.requestRate));
  return [...placed]
    .sort((a, b) => rank(a.worst) - rank(b.worst))
    .map((r) => ({
      region: r.region,
      label: r.label,
      lon: r.place!.lon,
      lat: r.place!.lat,
      size: symbolSize(r.requestRate, maxRate),
      worst: r.worst,
      healthLine: healthLine(r),
      incidentLine: incidentLine(incidents.get(r.region)),
      // Left of the symbol when a neighbour sits just east (Oregon next to N. Virginia).
      // Below it when neighbours sit on both sides (Ohio between Oregon and N. Virginia).
      position: crowdedEast(r, placed) ? (crowdedWest(r, placed) ? 'bottom' : 'left') : 'right',
    }));
}

function regionSeries(marks: RegionMark[], palette: ChartPalette, tooltip: (p: { name: string }) => string) {
  return {
    id: 'regions',
    type: 'scatter',
    // Its own canvas layer: a live update repaints the region symbols, not the world beneath.
    zlevel: 1,
    coordinateSystem: 'geo',
    geoId: 'world',
    cursor: 'pointer',
    labelLayout: { moveOverlap: 'shiftY' },
    tooltip: { formatter: tooltip },
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
    data: marks.map((m) => ({
      id: m.region,
      name: m.region,
      value: [m.lon, m.lat],
      symbolSize: m.size,
      // A region with an active incident wears a thick ring, and says so in its label.
      itemStyle: {
        color: palette.health[m.worst],
        opacity: 0.85,
        borderColor: m.incidentLine ? palette.text : palette.panel,
        borderWidth: m.incidentLine ? 3 : 1.5,
      },
      label: {
        position: m.position,
        formatter: `${m.label}\n${healthGlyph[m.worst]} ${m.healthLine}${m.incidentLine ? `\n⚑ ${m.incidentLine}` : ''}`,
      },
    })),
  };
}

/**
 * The marks the chart shows: the newest at once when a region's health (colour, words) changed;
 * when only traffic moved a symbol's size, at most once per TRAFFIC_REFRESH_MS. A settled
 * fleet's ticks change traffic decimals, and redrawing the map for each cost most of a tick.
 */
function useShownMarks(
  regions: RegionAggregate[],
  incidents: ReadonlyMap<string, RegionIncidents>,
): RegionMark[] {
  const marks = useMemo(() => regionMarks(regions, incidents), [regions, incidents]);
  const [shown, setShown] = useState(() => ({ marks, at: performance.now() }));
  useEffect(() => {
    const change = markChange(shown.marks, marks);
    if (change === 'none') return;
    const wait = change === 'health' ? 0 : Math.max(0, shown.at + TRAFFIC_REFRESH_MS - performance.now());
    const timer = setTimeout(() => setShown({ marks, at: performance.now() }), wait);
    return () => clearTimeout(timer);
  }, [marks, shown]);
  return shown.marks;
}

/** "OK", or how many are in the worst state: "15 critical" reads calmer than a red "Critical". */
const healthLine = (r: RegionAggregate) =>
  r.worst === 'ok' || r.worst === 'unknown'
    ? healthWords[r.worst]
    : `${formatCount(r.health[r.worst])} ${r.worst}`;

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
export const FleetMap = memo(function FleetMap({
  regions,
  incidents,
  theme,
}: {
  regions: RegionAggregate[];
  /** Regions with active incidents (badged on the map and in the list). */
  incidents: ReadonlyMap<string, RegionIncidents>;
  theme: 'light' | 'dark';
}) {
  const palette = chartPalette(theme);
  const base = useMemo(() => baseOption(palette), [palette]);
  // The tooltip reads the newest figures when it opens, so they need no chart update.
  const [byName] = useState(() => new Map<string, RegionAggregate>());
  useEffect(() => {
    byName.clear();
    for (const r of regions) byName.set(r.region, r);
  }, [byName, regions]);
  const tooltip = useCallback(
    (p: { name: string }) => {
      const r = byName.get(p.name);
      return r ? tooltipHtml(r) : '';
    },
    [byName],
  );
  const marks = useShownMarks(regions, incidents);
  const option = useMemo(
    () => ({ ...base, series: [regionSeries(marks, palette, tooltip)] }),
    [base, marks, palette, tooltip],
  );
  // Where the user has panned and zoomed the regions layer; the world beneath follows.
  const [view, setView] = useState<GeoView | null>(null);
  const world = useMemo(() => worldOption(palette, view), [palette, view]);
  // Rendered once both layers have drawn (the fleet-first-paint benchmark waits for the mark).
  const drawn = useRef({ world: false, regions: false, marked: false });
  const box = useRef<HTMLDivElement>(null);
  const onLayerRendered = useCallback((layer: 'world' | 'regions') => {
    const d = drawn.current;
    d[layer] = true;
    if (!d.world || !d.regions) return;
    box.current?.setAttribute('data-rendered', 'true');
    if (!d.marked) {
      d.marked = true;
      performance.mark(FLEET_MAP_RENDERED_MARK);
    }
  }, []);
  // Where each layer looks, for tests and bug reports: the world's as its chart last drew it.
  const viewKey = JSON.stringify(view ?? { zoom: 1 });
  const onWorldRendered = useCallback(
    (chart: EChartsType) => {
      box.current?.setAttribute('data-world-view', JSON.stringify(geoViewOf(chart)));
      onLayerRendered('world');
    },
    [onLayerRendered],
  );
  const onRegionsRendered = useCallback(() => onLayerRendered('regions'), [onLayerRendered]);
  const onClick = useCallback((event: ECElementEvent) => {
    if (event.seriesId === 'regions' && typeof event.name === 'string') {
      openHash(endpointsHash({ region: event.name }));
    }
  }, []);
  const unplaced = regions.filter((r) => r.place === null);
  const total = regions.reduce((sum, r) => sum + r.health.total, 0);
  return (
    <div className="fleet-map" ref={box} data-testid="fleet-map" data-endpoints={total}>
      <div className="fleet-map-chart" data-testid="fleet-map-chart" data-view={viewKey}>
        <EChart className="fleet-map-layer fleet-map-world" option={world} onRendered={onWorldRendered} />
        <EChart
          className="fleet-map-layer"
          option={option}
          onClick={onClick}
          onRendered={onRegionsRendered}
          onGeoRoam={setView}
          ariaLabel={`World map of ${regions.length} regions; the list beside it has the same figures`}
        />
      </div>
      <section className="fleet-regions" aria-label="Regions">
        <h2 className="fleet-panel-title">Regions</h2>
        <ul>
          {regions.map((r) => (
            <RegionRow
              key={r.region}
              region={r.region}
              label={r.label}
              worst={r.worst}
              total={r.health.total}
              ok={r.health.ok}
              warning={r.health.warning}
              critical={r.health.critical}
              unknown={r.health.unknown}
              rate={formatMetric('request_rate', r.requestRate)}
              clusters={r.clusters.map((c) => c.cluster).join(', ')}
              incidentLine={incidentLine(incidents.get(r.region))}
              incidentId={incidents.get(r.region)?.firstId ?? null}
            />
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
});

/** One row of the regions list; its props are what it shows, so an unchanged row does not re-render. */
const RegionRow = memo(function RegionRow(p: {
  region: string;
  label: string;
  worst: HealthStatus;
  total: number;
  ok: number;
  warning: number;
  critical: number;
  unknown: number;
  rate: string;
  clusters: string;
  incidentLine: string;
  incidentId: string | null;
}) {
  return (
    <li
      data-testid="fleet-region"
      data-region={p.region}
      data-health={p.worst}
      data-total={p.total}
      data-ok={p.ok}
      data-warning={p.warning}
      data-critical={p.critical}
      data-unknown={p.unknown}
    >
      <a href={endpointsHash({ region: p.region })} className="fleet-region-link">
        <span className="fleet-region-name">{p.label}</span>
        <HealthWord status={p.worst} />
        <span className="fleet-region-figures">
          <span className="fleet-region-code">{p.region}</span> · {p.total} endpoints · {p.rate}
          {p.critical + p.warning > 0 ? (
            <span className="fleet-region-bad">
              {p.critical > 0 ? ` · ${p.critical} critical` : ''}
              {p.warning > 0 ? ` · ${p.warning} warning` : ''}
            </span>
          ) : null}
        </span>
        <span className="fleet-region-clusters">{p.clusters}</span>
      </a>
      {p.incidentId ? (
        <a
          className="fleet-region-incident link"
          href={incidentHash(p.incidentId)}
          data-testid="fleet-region-incident"
          data-incident-id={p.incidentId}
        >
          ⚑ {p.incidentLine}
        </a>
      ) : null}
    </li>
  );
});
