import { useMemo } from 'react';
import { chartPalette } from '../../charts/chart-theme';
import type { SpendOverviewResult } from '../../stores/spend.slice';
import { EChart, type EChartsCoreOption } from './spend-echarts';
import { formatMoney, formatRate } from './spend-format';

/** Series slots: the core merges groups past this into one "other" series. */
export const SPEND_MAX_GROUPS = 8;

/** Distinguishable in both themes; "other" is always the neutral grey. */
const groupColours = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#e15759', '#9c755f'];
const otherColour = '#8a8f98';

/**
 * The last step's rate held until the newest tick, so the step in progress (or a fleet
 * recorded for seconds, which has one step) draws as a band rather than a lone dot.
 */
function untilNow(points: Array<[number, number]>, dataAt: number | null): Array<[number, number]> {
  const last = points.at(-1);
  return last && dataAt !== null && dataAt > last[0] ? [...points, [dataAt, last[1]]] : points;
}

/**
 * Spend per hour over time, stacked by group. The series are fixed slots (`slot-0` ...), so a
 * live refresh merges into the same series and a new grouping just renames them: the one chart
 * instance is never rebuilt, and an unused slot is emptied rather than left behind.
 */
export function SpendOverTimeChart({
  overview,
  theme,
}: {
  overview: SpendOverviewResult;
  theme: 'light' | 'dark';
}) {
  const option = useMemo<EChartsCoreOption>(() => {
    const palette = chartPalette(theme);
    const slots = Array.from({ length: SPEND_MAX_GROUPS }, (_, i) => overview.groups[i]);
    // A fleet recorded for minutes would be a sliver at the right edge of a 24 h axis: the axis
    // starts where the data does, and the panel says so in words.
    const axisFrom = Math.max(overview.from, overview.dataFrom ?? overview.from);
    const fewPoints = untilNow(overview.groups[0]?.points ?? [], overview.dataAt).length < 2;
    return {
      animation: false,
      // Room above the plot for the legend, then the axis name under it (they overlapped).
      grid: { left: 64, right: 16, top: 64, bottom: 28 },
      legend: {
        type: 'scroll',
        top: 0,
        textStyle: { color: palette.text },
        data: overview.groups.map((g) => g.label),
      },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatRate(v) : String(v)),
      },
      xAxis: {
        type: 'time',
        min: axisFrom,
        max: overview.to,
        axisLabel: { color: palette.textMuted, hideOverlap: true },
        axisLine: { lineStyle: { color: palette.textMuted } },
      },
      yAxis: {
        type: 'value',
        name: 'USD per hour',
        nameGap: 14,
        nameTextStyle: { color: palette.textMuted, align: 'left' },
        axisLabel: { color: palette.textMuted, formatter: (v: number) => formatMoney(v) },
        splitLine: { lineStyle: { color: theme === 'dark' ? '#2c3037' : '#e6e8ec' } },
      },
      series: slots.map((g, i) => ({
        id: `slot-${i}`,
        type: 'line',
        name: g?.label ?? '',
        stack: 'spend',
        showSymbol: fewPoints,
        sampling: 'lttb',
        lineStyle: { width: 1 },
        areaStyle: { opacity: 0.75 },
        color: g?.key === '__other__' ? otherColour : groupColours[i % groupColours.length],
        emphasis: { focus: 'series' },
        data: g ? untilNow(g.points, overview.dataAt) : [],
      })),
    };
  }, [overview, theme]);
  const total = overview.groups.reduce((sum, g) => sum + g.totalUsd, 0);
  return (
    <EChart
      option={option}
      className="spend-chart spend-chart-tall"
      testId="spend-over-time-chart"
      ariaLabel={`Spend per hour by ${overview.groupBy}, stacked: ${overview.groups
        .map((g) => `${g.label} ${formatMoney(g.totalUsd)}`)
        .join(', ')}; total ${formatMoney(total)} over the range.`}
    />
  );
}
