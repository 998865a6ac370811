import { useEffect, useMemo, useRef } from 'react';
import type { Rollout } from '../../../shared/contract/index';
import { echarts, type EChartsInstance } from '../endpoint-detail/echarts-setup';
import { timelineOf } from './timeline-model';
import { verdictWords } from './rollout-words';

const cssVar = (name: string, fallback: string) =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

const markerSymbol = {
  success: 'circle',
  failure: 'triangle',
  inconclusive: 'diamond',
  info: 'rect',
} as const;

/**
 * Weight over time as a step chart, with a marker per analysis run (shape and colour by verdict,
 * the words in its tooltip). One ECharts instance for the panel's life, fed with setOption, as
 * the endpoint panels do (same echarts build, echarts-setup.ts).
 */
export function RolloutTimeline({ rollout, now, theme }: { rollout: Rollout; now: number; theme: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsInstance | null>(null);
  const { weights, markers } = useMemo(() => timelineOf(rollout, now), [rollout, now]);

  useEffect(() => {
    const instance = echarts.init(el.current!, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el.current!);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const text = cssVar('--text-muted', '#9ea3ae');
    const end = weights[weights.length - 1]![0];
    const grid = cssVar('--border', '#262a30');
    const colours = {
      success: cssVar('--ok', '#5cc48d'),
      failure: cssVar('--error', '#ff6b70'),
      inconclusive: cssVar('--warning', '#f0b44c'),
      info: text,
    };
    instance.setOption(
      {
        animation: false,
        grid: { left: 44, right: 16, top: 12, bottom: 28 },
        tooltip: { trigger: 'item' },
        xAxis: {
          type: 'time',
          min: weights[0]![0],
          // A little room after the last change, so a drop at the very end (an abort) shows.
          max: end + Math.max(2000, (end - weights[0]![0]) * 0.03),
          axisLabel: { color: text, hideOverlap: true },
          axisLine: { lineStyle: { color: grid } },
        },
        yAxis: {
          type: 'value',
          min: 0,
          max: 100,
          interval: 25,
          axisLabel: { color: text, formatter: '{value} %' },
          splitLine: { lineStyle: { color: grid } },
        },
        series: [
          {
            id: 'weight',
            name: 'Traffic on the candidate',
            type: 'line',
            step: 'end',
            showSymbol: false,
            lineStyle: { width: 2, color: cssVar('--accent', '#6e9fff') },
            itemStyle: { color: cssVar('--accent', '#6e9fff') },
            areaStyle: { opacity: 0.12, color: cssVar('--accent', '#6e9fff') },
            tooltip: { valueFormatter: (v: unknown) => `${String(v)} %` },
            data: weights,
          },
          {
            id: 'analysis',
            name: 'Analysis',
            type: 'line',
            lineStyle: { width: 0, opacity: 0 },
            showSymbol: true,
            symbolSize: 10,
            tooltip: {
              formatter: (p: { dataIndex: number }) => {
                const m = markers[p.dataIndex];
                return m ? `${verdictWords[m.verdict].label}: ${m.message}` : '';
              },
            },
            data: markers.map((m) => ({
              value: [m.at, m.weight],
              symbol: markerSymbol[m.verdict],
              itemStyle: { color: colours[m.verdict] },
            })),
          },
        ],
      },
      { replaceMerge: ['series'] },
    );
  }, [weights, markers, theme]);

  return (
    <div
      className="panel ro-timeline"
      data-testid="rollout-timeline"
      data-weights={weights.map(([, w]) => w).join(',')}
      data-markers={markers.map((m) => m.verdict).join(',')}
    >
      <h2 className="panel-title">Weight and analysis over time</h2>
      <div ref={el} className="ro-timeline-canvas" />
      <p className="muted ro-legend">
        Line: traffic on the candidate. Markers: analysis runs — ● passed, ▲ failed, ◆ inconclusive.
      </p>
    </div>
  );
}
