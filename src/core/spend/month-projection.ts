import { localDay } from '../../shared/fleet/spend';

export interface MonthProjection {
  /** YYYY-MM, local. */
  month: string;
  firstDay: string;
  today: string;
  hoursLeft: number;
  projectedUsd: number;
  monthToDateUsd: number;
  method: string;
}

/**
 * Projected month = month to date (spend_daily, local days) + the current fleet rate x the
 * hours left until local midnight of the 1st of next month. A run-rate forecast: it assumes
 * the fleet stays as it is now, which is what an on-call engineer can act on.
 */
export function projectMonth(now: number, monthToDateUsd: number, ratePerHour: number): MonthProjection {
  const d = new Date(now);
  const start = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
  const next = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
  const hoursLeft = Math.max(0, (next - now) / 3_600_000);
  const firstDay = localDay(start);
  return {
    month: firstDay.slice(0, 7),
    firstDay,
    today: localDay(now),
    hoursLeft,
    monthToDateUsd,
    projectedUsd: monthToDateUsd + ratePerHour * hoursLeft,
    method:
      'Month to date (accrued each tick since the 1st, local time) + the current spend rate x the hours left in the month.',
  };
}
