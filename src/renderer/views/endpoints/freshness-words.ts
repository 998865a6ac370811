import type { Freshness } from '../../../shared/contract/index';
import type { ConnectionState } from '../../../shared/api/fleet-api';
import { formatClock } from '../../format/display-format';

/** "live", "stale since 14:02", "offline": an endpoint's freshness in words (ARCHITECTURE.md). */
export function freshnessWords(
  freshness: Freshness,
  connection: ConnectionState,
  timeFormat: '24h' | '12h',
): { kind: Freshness['state']; label: string } {
  if (connection === 'disconnected' || freshness.state === 'offline') {
    return {
      kind: 'offline',
      label: freshness.at ? `offline since ${formatClock(freshness.at, timeFormat)}` : 'offline',
    };
  }
  if (freshness.state === 'stale')
    return {
      kind: 'stale',
      label: freshness.at ? `stale since ${formatClock(freshness.at, timeFormat)}` : 'stale',
    };
  if (freshness.state === 'live') return { kind: 'live', label: 'live' };
  return { kind: 'unknown', label: 'no data yet' };
}
