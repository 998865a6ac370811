import type { Endpoint, Freshness } from '../shared/contract/index';
import { clock, span } from './time-text';

/** "live, updated 5 s ago", "stale since 14:02:10", "offline since ...", "no data yet". */
export function describeFreshness(freshness: Freshness, now: number): string {
  if (freshness.at === null) return freshness.state === 'unknown' ? 'no data yet' : freshness.state;
  if (freshness.state === 'live')
    return now - freshness.at < 1000
      ? 'live, updated just now'
      : `live, updated ${span(now - freshness.at)} ago`;
  if (freshness.state === 'unknown') return `unknown, last data at ${clock(freshness.at)}`;
  return `${freshness.state} since ${clock(freshness.at)}`;
}

export const replicasText = (e: Endpoint) => `${e.replicas.ready}/${e.replicas.desired}`;

/** A missing value is a dash, as in the UI: never a 0 that reads as a measurement. */
export const orDash = (value: string | number | null | undefined) =>
  value === null || value === undefined || value === '' ? '—' : String(value);
