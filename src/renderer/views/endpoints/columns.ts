import type { SortKey } from './url-state';

export interface Column {
  key: SortKey;
  label: string;
  /** Numbers right-aligned, so digits line up. */
  numeric?: boolean;
  width: string;
  /** Sorting by a figure usually means "worst first". */
  firstOrder: 'asc' | 'desc';
}

export const columns: readonly Column[] = [
  { key: 'name', label: 'Name', width: 'minmax(130px, 1.3fr)', firstOrder: 'asc' },
  { key: 'model', label: 'Model', width: 'minmax(120px, 1.4fr)', firstOrder: 'asc' },
  { key: 'version', label: 'Version', width: '76px', firstOrder: 'asc' },
  { key: 'source', label: 'Source', width: 'minmax(60px, 0.6fr)', firstOrder: 'asc' },
  { key: 'cluster', label: 'Cluster', width: 'minmax(90px, 0.9fr)', firstOrder: 'asc' },
  { key: 'region', label: 'Region', width: '96px', firstOrder: 'asc' },
  { key: 'replicas', label: 'Replicas', numeric: true, width: '76px', firstOrder: 'asc' },
  { key: 'gpus', label: 'GPUs', numeric: true, width: '50px', firstOrder: 'desc' },
  { key: 'request_rate', label: 'Req/s', numeric: true, width: '66px', firstOrder: 'desc' },
  { key: 'latency_p95', label: 'p95', numeric: true, width: '70px', firstOrder: 'desc' },
  { key: 'ttft_p95', label: 'TTFT p95', numeric: true, width: '84px', firstOrder: 'desc' },
  { key: 'error_rate', label: 'Error %', numeric: true, width: '66px', firstOrder: 'desc' },
  { key: 'spend_per_hour', label: '$/h', numeric: true, width: '70px', firstOrder: 'desc' },
  { key: 'health', label: 'Health', width: 'minmax(180px, 2fr)', firstOrder: 'desc' },
  { key: 'freshness', label: 'Freshness', width: '112px', firstOrder: 'desc' },
];

export const gridTemplate = columns.map((c) => c.width).join(' ');
