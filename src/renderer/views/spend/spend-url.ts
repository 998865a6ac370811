import type { SpendGroupBy } from '../../../shared/contract/index';

export const spendGroupings: ReadonlyArray<{ id: SpendGroupBy; label: string }> = [
  { id: 'source', label: 'Source' },
  { id: 'cluster', label: 'Cluster' },
  { id: 'model', label: 'Model' },
  { id: 'version', label: 'Version' },
];

export type SpendRange = '24h' | '7d' | '30d';

/**
 * Each range and the points asked for: 5-minute steps over a day; hourly over a week or a month,
 * so the core reads its 1-hour rollups (a week of 1-minute rows at 10,000 endpoints is 100 M).
 */
export const spendRanges: ReadonlyArray<{ id: SpendRange; label: string; ms: number; maxPoints: number }> = [
  { id: '24h', label: '24 h', ms: 24 * 3_600_000, maxPoints: 288 },
  { id: '7d', label: '7 d', ms: 7 * 24 * 3_600_000, maxPoints: 168 },
  { id: '30d', label: '30 d', ms: 30 * 24 * 3_600_000, maxPoints: 720 },
];

export interface SpendParams {
  by: SpendGroupBy;
  range: SpendRange;
}

export const defaultSpendParams: SpendParams = { by: 'model', range: '24h' };

/** Reads `#/spend?by=cluster&range=7d`; unknown or missing values fall back to the defaults. */
export function parseSpendParams(hash: string): SpendParams {
  const query = new URLSearchParams(hash.split('?')[1] ?? '');
  const by = query.get('by');
  const range = query.get('range');
  return {
    by: spendGroupings.some((g) => g.id === by) ? (by as SpendGroupBy) : defaultSpendParams.by,
    range: spendRanges.some((r) => r.id === range) ? (range as SpendRange) : defaultSpendParams.range,
  };
}

export const spendHash = (params: SpendParams): string => `#/spend?by=${params.by}&range=${params.range}`;

export const rangeOf = (id: SpendRange) => spendRanges.find((r) => r.id === id)!;
