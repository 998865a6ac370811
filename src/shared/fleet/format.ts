import { metricInfo, type MetricName } from './metrics';

const trim = (n: number, digits: number) => {
  const s = n.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
};

/** One way to print a figure everywhere (UI, CLI, health reasons): "1.9 s", "35.2 %", "$12.40/h". */
export function formatMetric(metric: MetricName, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (metricInfo[metric].unit) {
    case 's':
      return value < 1 ? `${trim(value * 1000, value < 0.01 ? 1 : 0)} ms` : `${trim(value, 2)} s`;
    case 'ratio':
      return `${trim(value * 100, value < 0.1 ? 2 : 1)} %`;
    case 'req/s':
      return `${trim(value, value < 10 ? 2 : 1)} req/s`;
    case 'tok/s':
      return `${trim(value, 0)} tok/s`;
    case 'requests':
      return trim(value, 1);
    case 'bytes':
      return `${trim(value / 2 ** 30, 1)} GiB`;
    case 'usd/h':
      return `$${value.toFixed(2)}/h`;
  }
}

const usdFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$1,234.50". One formatter for every call: toLocaleString builds a new one each time (~20 µs). */
export function formatUsd(value: number): string {
  return `$${usdFormat.format(value)}`;
}
