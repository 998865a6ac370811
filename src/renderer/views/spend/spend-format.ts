import type { ConnectionState } from '../../../shared/api/fleet-api';
import type { Settings } from '../../../shared/contract/index';
import { formatClock } from '../../format/display-format';
import { describeFreshness, type Freshness } from '../../status/freshness';

/** "$1,234.56"; cents below $100, whole dollars above $100k, so columns stay readable. */
export function formatMoney(usd: number): string {
  const digits = Math.abs(usd) >= 100_000 ? 0 : 2;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** Unit costs are small: "$0.0123" rather than "$0.01". */
export function formatUnitCost(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return '—';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd.toPrecision(3)}`;
}

export const formatRate = (usdPerHour: number) => `${formatMoney(usdPerHour)}/h`;

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return Math.round(n).toLocaleString('en-US');
}

export function formatHours(h: number): string {
  return h >= 100 ? `${Math.round(h).toLocaleString('en-US')} h` : `${h.toFixed(h >= 10 ? 1 : 2)} h`;
}

export interface FreshnessContext {
  connection: ConnectionState;
  now: number;
  staleAfterSeconds: number;
  timeFormat: Settings['timeFormat'];
}

/** How fresh one figure is, from the newest data it rests on (the status bar's words). */
export const figureFreshness = (dataAt: number | null | undefined, ctx: FreshnessContext): Freshness =>
  describeFreshness({ ...ctx, dataFreshAt: dataAt ?? null });

export const clock = (at: number, ctx: Pick<FreshnessContext, 'timeFormat'>, withSeconds = false) =>
  formatClock(at, ctx.timeFormat, withSeconds);
