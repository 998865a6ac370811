import { useEffect, useMemo, useRef, useState } from 'react';
import type { MetricSnapshot } from '../../../shared/contract/index';
import { formatMetric } from '../../../shared/fleet/format';
import { metricInfo } from '../../../shared/fleet/metrics';
import { chartPalette } from '../../charts/chart-theme';
import { EChart, type EChartsCoreOption } from './incident-echarts';

const PALETTE = ['#6e9fff', '#f0b44c', '#c38cf5', '#5cc48d', '#ff8a65', '#4dd0e1', '#e57373', '#aed581'];

/**
 * A metric snapshot stored in the timeline, drawn from the stored points only (issue 7: "the
 * charts render later without any source"), with the SLO line. The chart is created only once
 * its box scrolls into view: a timeline may carry many snapshots, and each ECharts instance
 * costs a canvas. The box says what it draws (data-series, data-points) for tests and debugging.
 */
export function SnapshotChart({ snapshot, theme }: { snapshot: MetricSnapshot; theme: 'light' | 'dark' }) {
  const box = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(false);
  // Set once ECharts has drawn the option: the data attributes then describe pixels, not intent.
  const [rendered, setRendered] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el || seen) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setSeen(true);
        observer.disconnect();
      }
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [seen]);

  const metric = snapshot.metric;
  const option = useMemo<EChartsCoreOption>(() => {
    const palette = chartPalette(theme);
    const grid = theme === 'dark' ? '#2c3037' : '#e6e8ec';
    const threshold = snapshot.threshold;
    const peak = Math.max(0, ...snapshot.series.flatMap((s) => s.points.map((p) => p[1] ?? 0)));
    return {
      animation: false,
      color: PALETTE,
      grid: { left: 56, right: 16, top: 24, bottom: 24 },
      legend: { top: 0, left: 0, textStyle: { color: palette.textMuted }, itemWidth: 14, itemHeight: 8 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => formatMetric(metric, typeof v === 'number' ? v : null),
      },
      xAxis: {
        type: 'time',
        min: snapshot.from,
        max: snapshot.to,
        axisLabel: { color: palette.textMuted, hideOverlap: true },
        axisLine: { lineStyle: { color: grid } },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        min: 0,
        // The threshold stays on the chart even when every value is far below it.
        max: threshold !== null ? Math.max(peak, threshold) * 1.1 || undefined : undefined,
        axisLabel: { color: palette.textMuted, formatter: (v: number) => formatMetric(metric, v) },
        splitLine: { lineStyle: { color: grid } },
      },
      series: snapshot.series.map((s, i) => ({
        id: `${s.endpointId}:${i}`,
        name: s.label,
        type: 'line',
        showSymbol: s.points.length < 3,
        lineStyle: { width: 1.5 },
        data: s.points,
        ...(i === 0 && threshold !== null
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                label: {
                  position: 'insideEndTop',
                  color: palette.health.critical,
                  formatter: (p: { name: string }) => p.name,
                },
                lineStyle: { color: palette.health.critical, type: 'dashed' },
                data: [{ name: `SLO ${formatMetric(metric, threshold)}`, yAxis: threshold }],
              },
            }
          : {}),
      })),
    };
  }, [snapshot, metric, theme]);

  const drawn = snapshot.series.filter((s) => s.points.some((p) => p[1] !== null));
  const points = snapshot.series[0]?.points.length ?? 0;
  return (
    <div
      ref={box}
      className="inc-snapshot"
      data-testid="incident-snapshot-chart"
      data-metric={metric}
      data-rendered={rendered ? 'true' : 'false'}
      data-series={rendered ? String(drawn.length) : '0'}
      data-points={rendered ? String(points) : '0'}
      data-threshold={snapshot.threshold ?? ''}
    >
      {seen ? (
        <EChart
          option={option}
          notMerge
          onRendered={() => setRendered(true)}
          className="inc-snapshot-canvas"
          ariaLabel={`${metricInfo[metric].label} from the stored snapshot: ${drawn.map((s) => s.label).join(', ') || 'no data'}${snapshot.threshold !== null ? `, SLO ${formatMetric(metric, snapshot.threshold)}` : ''}.`}
        />
      ) : (
        <div className="inc-snapshot-canvas inc-snapshot-placeholder" aria-hidden="true" />
      )}
    </div>
  );
}
