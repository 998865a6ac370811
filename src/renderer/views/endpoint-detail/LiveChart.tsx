import { useEffect, useRef } from 'react';
import type { MetricName } from '../../../shared/fleet/metrics';
import { formatMetric } from '../../../shared/fleet/format';
import { useFleet } from '../../stores/fleet.store';
import { echarts, type EChartsInstance } from './echarts-setup';
import { appendTail, breachSpans, type SeriesWindow } from './series-window';

export interface SeriesDef {
  /** Stable across updates: setOption merges by id (reference/performance-and-safety.md). */
  id: string;
  name: string;
  metric: MetricName;
  endpointId: string;
  yAxis: 0 | 1;
  dashed?: boolean;
}

export interface Thresholds {
  warn: number;
  crit: number;
  /** The series whose excursions above `warn` are shaded. */
  seriesId: string;
  /** The y axis reaches at least this far, so the line it should show is on the chart. */
  axisFloor: number;
}

/**
 * A line drawn for a rule rather than from data (issue 6: rollout analysis thresholds): a fixed
 * value, or one that follows another series (`stable * factor + offset`).
 */
export type Guide =
  | { kind: 'absolute'; name: string; value: number }
  | { kind: 'relative'; name: string; of: string; factor: number; offset: number };

export interface LiveChartProps {
  title: string;
  testId: string;
  defs: SeriesDef[];
  /** Formats each y axis (metric whose unit it shows). */
  axes: [MetricName] | [MetricName, MetricName];
  thresholds?: Thresholds;
  guides?: readonly Guide[];
  rangeMs: number;
  /**
   * A fixed end instead of "now" (a finished rollout's window): the panel loads once and does
   * not poll. Absent or null: the range ends now and follows the live tail.
   */
  endAt?: number | null;
  paused: boolean;
  /** Polling period of the live tail. */
  pollMs: number;
  /** Bumped by the view when the user resumes, so the panel catches up at once. */
  resumeToken: number;
  group: string;
  onHover(hovering: boolean): void;
  onZoom(zoomed: boolean): void;
}

const PALETTE = ['#6e9fff', '#f0b44c', '#c38cf5', '#5cc48d', '#ff8a65', '#4dd0e1', '#e57373', '#aed581'];

const cssVar = (name: string, fallback: string) =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** Panel width in px = the point budget per series (one point per pixel). */
const budgetOf = (el: HTMLElement | null) => Math.min(2000, Math.max(60, Math.round(el?.clientWidth ?? 600)));

/**
 * One ECharts instance per panel for the panel's whole life: created on mount, resized by a
 * ResizeObserver, fed with setOption on stable series ids, disposed on unmount (echarts #7442,
 * #7125, #4105 are what re-creating instances costs).
 */
export function LiveChart(props: LiveChartProps) {
  const { defs, rangeMs, paused, pollMs, resumeToken, thresholds, axes, group } = props;
  const endAt = props.endAt ?? null;
  const guides = props.guides ?? noGuides;
  const fetchSeries = useFleet((s) => s.fetchSeries);
  const box = useRef<HTMLDivElement>(null);
  const chartEl = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsInstance | null>(null);
  const data = useRef(new Map<string, SeriesWindow>());
  const pausedRef = useRef(paused);
  const hoverRef = useRef(props.onHover);
  const zoomRef = useRef(props.onZoom);
  useEffect(() => {
    pausedRef.current = paused;
    hoverRef.current = props.onHover;
    zoomRef.current = props.onZoom;
  });

  // Create once.
  useEffect(() => {
    const el = chartEl.current!;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.group = group;
    echarts.connect(group);
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    const onZoom = () => {
      const option = instance.getOption() as { dataZoom?: Array<{ start?: number; end?: number }> };
      const z = option.dataZoom?.[0];
      zoomRef.current((z?.start ?? 0) > 0.01 || (z?.end ?? 100) < 99.99);
    };
    instance.on('datazoom', onZoom);
    return () => {
      observer.disconnect();
      instance.off('datazoom', onZoom);
      instance.dispose();
      chart.current = null;
    };
  }, [group]);

  // Resume after a zoom: back to the whole range (connected panels follow).
  useEffect(() => {
    if (resumeToken > 0) chart.current?.dispatchAction({ type: 'dataZoom', start: 0, end: 100 });
  }, [resumeToken]);

  const defsKey = defs.map((d) => d.id).join('|');
  const thresholdKey = thresholds
    ? `${thresholds.warn}|${thresholds.crit}|${thresholds.seriesId}|${thresholds.axisFloor}`
    : '';
  const guidesKey = JSON.stringify(guides);
  const guideFloor = Math.max(0, ...guides.map((g) => (g.kind === 'absolute' ? g.value * 1.15 : 0)));

  // Base option whenever the shape (series set, axes, thresholds, range) changes; data follows.
  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const text = cssVar('--text-muted', '#9ea3ae');
    const grid = cssVar('--border', '#262a30');
    const now = Date.now();
    instance.setOption(
      {
        animation: false,
        color: PALETTE,
        grid: { left: 56, right: axes.length > 1 ? 56 : 16, top: 28, bottom: 56 },
        legend: { top: 0, left: 0, textStyle: { color: text }, itemWidth: 14, itemHeight: 8 },
        tooltip: {
          trigger: 'axis',
          valueFormatter: undefined,
          formatter: undefined,
        },
        xAxis: {
          type: 'time',
          min: now - rangeMs,
          max: now,
          // No labels at the exact min/max: the window moves every tick, so they would be a new
          // string each time, and every new string is shaped and cached by the canvas (the
          // chart-memory bench saw blink's text cache grow by one per panel per tick).
          axisLabel: { color: text, hideOverlap: true, showMinLabel: false, showMaxLabel: false },
          axisLine: { lineStyle: { color: grid } },
          splitLine: { show: false },
        },
        yAxis: axes.map((metric, i) => ({
          type: 'value',
          position: i === 0 ? 'left' : 'right',
          min: 0,
          max:
            i === 0 && (thresholds || guideFloor > 0)
              ? (v: { max: number }) => Math.max(v.max, thresholds?.axisFloor ?? 0, guideFloor)
              : undefined,
          // A guide's headroom is not a round figure: its label would crowd the one below it.
          axisLabel: {
            color: text,
            formatter: (v: number) => formatMetric(metric, v),
            showMaxLabel: i === 0 && guideFloor > 0 ? false : undefined,
          },
          splitLine: { show: i === 0, lineStyle: { color: grid } },
        })),
        dataZoom: [
          { type: 'inside', filterMode: 'none' },
          // showDetail off for the same reason: its handle labels are per-tick timestamps.
          { type: 'slider', height: 18, bottom: 8, filterMode: 'none', showDetail: false },
        ],
        series: [
          ...defs.map((d) => ({
            id: d.id,
            name: d.name,
            type: 'line',
            yAxisIndex: d.yAxis,
            showSymbol: false,
            sampling: undefined,
            lineStyle: { width: 1.5, type: d.dashed ? 'dashed' : 'solid' },
            tooltip: {
              valueFormatter: (v: unknown) => formatMetric(d.metric, typeof v === 'number' ? v : null),
            },
            data: data.current.get(d.id)?.points ?? [],
            ...(thresholds && d.id === thresholds.seriesId ? thresholdMarks(thresholds, d.metric) : {}),
            ...(d === defs[0] && guides.some((g) => g.kind === 'absolute')
              ? guideMarks(guides, d.metric)
              : {}),
          })),
          ...guideSeries(guides, defs, data.current),
        ],
      },
      { replaceMerge: ['series', 'yAxis'] },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [defsKey, thresholdKey, guidesKey, rangeMs, axes.join('|')]);

  // Full fetch on shape change, then the live tail every pollMs unless paused.
  const loads = useRef(0);
  useEffect(() => {
    let cancelled = false;
    let inFlight = false;
    const windows = data.current;
    windows.clear();

    const byMetric = () => {
      const m = new Map<MetricName, SeriesDef[]>();
      for (const d of defs) m.set(d.metric, [...(m.get(d.metric) ?? []), d]);
      return m;
    };

    const render = () => {
      const instance = chart.current;
      if (!instance || cancelled) return;
      const now = endAt ?? Date.now();
      instance.setOption({
        // The whole range on every panel, so their time axes line up (and zoom together).
        xAxis: { min: now - rangeMs, max: now },
        series: [
          ...defs.map((d) => {
            const points = windows.get(d.id)?.points ?? [];
            // A line of one point draws nothing: show the dots until there is a line.
            const update: Record<string, unknown> = { id: d.id, data: points, showSymbol: points.length < 3 };
            if (thresholds && d.id === thresholds.seriesId) {
              update.markArea = breachArea(breachSpans(points, thresholds.warn));
            }
            return update;
          }),
          ...guideSeries(guides, defs, windows),
        ],
      });
      const primary = defs[0] ? windows.get(defs[0].id)?.points : undefined;
      const last = primary && primary.length > 0 ? primary[primary.length - 1]! : null;
      if (box.current) {
        box.current.dataset.lastValue = last ? String(last[1]) : '';
        box.current.dataset.lastAt = last ? String(last[0]) : '';
        box.current.dataset.points = String(primary?.length ?? 0);
        // For people debugging and for the e2e tests: how many series are drawn, how many loads ran.
        box.current.dataset.series = String(
          defs.filter((d) => (windows.get(d.id)?.points.length ?? 0) > 0).length,
        );
        box.current.dataset.loads = String(++loads.current);
      }
    };

    const load = async (tail: boolean) => {
      if (inFlight) return;
      inFlight = true;
      try {
        const budget = budgetOf(chartEl.current);
        const to = endAt ?? Date.now();
        const from = to - rangeMs;
        await Promise.all(
          [...byMetric()].map(async ([metric, list]) => {
            let since = from;
            let maxPoints = budget;
            if (tail) {
              // Ask only for what is newer than the oldest "last point" among these series.
              const lasts = list.map((d) => windows.get(d.id)?.points.at(-1)?.[0] ?? from);
              since = Math.max(from, Math.min(...lasts) + 1);
              const step = Math.max(1, ...list.map((d) => windows.get(d.id)?.stepMs ?? 1));
              maxPoints = Math.min(budget, Math.max(2, Math.ceil((to - since) / step) + 1));
            }
            if (to <= since) return;
            const result = await fetchSeries({
              endpointIds: [...new Set(list.map((d) => d.endpointId))],
              metric,
              from: since,
              to,
              maxPoints,
            });
            if (cancelled) return;
            for (const d of list) {
              const s = result.series.find((x) => x.endpointId === d.endpointId);
              if (!s) continue;
              const prev = windows.get(d.id);
              windows.set(
                d.id,
                tail && prev
                  ? appendTail(prev, s.points, from, budget)
                  : { points: s.points.map((p) => [p[0], p[1]]), stepMs: s.stepMs },
              );
            }
          }),
        );
        render();
        if (box.current) delete box.current.dataset.error;
      } catch (error) {
        if (box.current && !cancelled)
          box.current.dataset.error = error instanceof Error ? error.message : String(error);
      } finally {
        inFlight = false;
      }
    };

    void load(false);
    // A fixed window has no live tail.
    const timer =
      endAt === null
        ? setInterval(() => {
            if (!pausedRef.current && document.visibilityState !== 'hidden') void load(true);
          }, pollMs)
        : undefined;
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
    // resumeToken: a resume catches up at once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [defsKey, thresholdKey, guidesKey, rangeMs, endAt, pollMs, resumeToken, fetchSeries]);

  return (
    <div
      ref={box}
      className="chart-panel panel"
      data-testid={props.testId}
      onMouseEnter={() => hoverRef.current(true)}
      onMouseLeave={() => hoverRef.current(false)}
    >
      <h3 className="chart-title">{props.title}</h3>
      <div ref={chartEl} className="chart-canvas" />
    </div>
  );
}

const noGuides: readonly Guide[] = [];

/** Relative guides as dashed series computed from the series they follow, point for point. */
function guideSeries(
  guides: readonly Guide[],
  defs: readonly SeriesDef[],
  windows: Map<string, SeriesWindow>,
) {
  const color = cssVar('--warning', '#f0b44c');
  return guides.flatMap((g, i) => {
    if (g.kind !== 'relative') return [];
    const source = defs.find((d) => d.id === g.of);
    const points = windows.get(g.of)?.points ?? [];
    return [
      {
        id: `guide:${i}`,
        name: g.name,
        type: 'line',
        yAxisIndex: source?.yAxis ?? 0,
        showSymbol: false,
        silent: true,
        lineStyle: { width: 1.5, type: 'dashed', color },
        itemStyle: { color },
        tooltip: {
          valueFormatter: (v: unknown) =>
            source ? formatMetric(source.metric, typeof v === 'number' ? v : null) : String(v),
        },
        data: points.map(([t, v]) => [t, v * g.factor + g.offset]),
      },
    ];
  });
}

/** Absolute guides as labelled lines across the chart. */
function guideMarks(guides: readonly Guide[], metric: MetricName) {
  const color = cssVar('--warning', '#f0b44c');
  return {
    markLine: {
      silent: true,
      symbol: 'none',
      label: { position: 'insideEndTop', formatter: (p: { name: string }) => p.name, color },
      data: guides.flatMap((g) =>
        g.kind === 'absolute'
          ? [
              {
                name: `${g.name} ${formatMetric(metric, g.value)}`,
                yAxis: g.value,
                lineStyle: { color, type: 'dashed' },
              },
            ]
          : [],
      ),
    },
  };
}

function thresholdMarks(t: Thresholds, metric: MetricName) {
  const warnColor = cssVar('--warning', '#f0b44c');
  const critColor = cssVar('--error', '#ff6b70');
  return {
    markLine: {
      silent: true,
      symbol: 'none',
      label: { position: 'insideEndTop', formatter: (p: { name: string }) => p.name },
      data: [
        {
          name: `warn ${formatMetric(metric, t.warn)}`,
          yAxis: t.warn,
          lineStyle: { color: warnColor, type: 'dashed' },
          label: { color: warnColor },
        },
        {
          name: `crit ${formatMetric(metric, t.crit)}`,
          yAxis: t.crit,
          lineStyle: { color: critColor, type: 'dashed' },
          label: { color: critColor },
        },
      ],
    },
    markArea: breachArea([]),
  };
}

function breachArea(spans: Array<[number, number]>) {
  return {
    silent: true,
    itemStyle: { color: 'rgba(255, 107, 112, 0.14)' },
    data: spans.map(([a, b]) => [{ xAxis: a }, { xAxis: b }]),
  };
}
