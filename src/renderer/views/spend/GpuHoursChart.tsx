import { useMemo } from 'react';
import { chartPalette } from '../../charts/chart-theme';
import type { SpendGpusResult } from '../../stores/spend.slice';
import { EChart, type EChartsCoreOption } from './spend-echarts';
import { formatHours } from './spend-format';

/** GPU-hours by GPU type as horizontal bars, largest on top; one series with a stable id. */
export function GpuHoursChart({ gpus, theme }: { gpus: SpendGpusResult; theme: 'light' | 'dark' }) {
  const option = useMemo<EChartsCoreOption>(() => {
    const palette = chartPalette(theme);
    const rows = [...gpus.byType].reverse();
    return {
      animation: false,
      grid: { left: 8, right: 72, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatHours(v) : String(v)),
      },
      xAxis: {
        type: 'value',
        splitNumber: 3,
        axisLabel: { color: palette.textMuted, hideOverlap: true, formatter: (v: number) => formatHours(v) },
        splitLine: { lineStyle: { color: theme === 'dark' ? '#2c3037' : '#e6e8ec' } },
      },
      yAxis: {
        type: 'category',
        data: rows.map((r) => r.gpuType),
        axisLabel: { color: palette.text, width: 200, overflow: 'truncate' },
      },
      series: [
        {
          id: 'gpu-hours',
          type: 'bar',
          name: 'GPU-hours',
          color: '#4e79a7',
          barMaxWidth: 22,
          label: {
            show: true,
            position: 'right',
            color: palette.text,
            formatter: (p: { value: number }) => formatHours(p.value),
          },
          data: rows.map((r) => r.gpuHours),
        },
      ],
    };
  }, [gpus, theme]);
  return (
    <EChart
      option={option}
      className="spend-chart"
      testId="spend-gpu-hours-chart"
      ariaLabel={`GPU-hours by GPU type: ${gpus.byType.map((r) => `${r.gpuType} ${formatHours(r.gpuHours)}`).join(', ')}.`}
    />
  );
}
