import type { ConnectionState } from '../../shared/api/fleet-api';
import type { Settings } from '../../shared/contract/index';
import { formatClock } from '../format/display-format';

export type FreshnessKind = 'live' | 'stale' | 'none' | 'offline';

export interface Freshness {
  kind: FreshnessKind;
  /** The words the status bar shows: "live", "stale since 14:02", "no live data yet", "offline". */
  label: string;
  /** A longer sentence for the tooltip and screen readers. */
  detail: string;
}

export interface FreshnessInput {
  connection: ConnectionState;
  /** When the newest live figure arrived (app.status), null until any source delivered data. */
  dataFreshAt: number | null;
  now: number;
  staleAfterSeconds: number;
  timeFormat: Settings['timeFormat'];
}

/**
 * How fresh the data on screen is (ARCHITECTURE.md, "every view shows how fresh its data is").
 * Offline wins over everything: without a connection nothing on screen can be called live.
 */
export function describeFreshness(input: FreshnessInput): Freshness {
  const { connection, dataFreshAt, now, staleAfterSeconds, timeFormat } = input;
  if (connection === 'disconnected') {
    return {
      kind: 'offline',
      label: 'offline',
      detail:
        dataFreshAt === null
          ? 'Not connected to the Fleetdeck core; nothing live has arrived.'
          : `Not connected to the Fleetdeck core; the newest data is from ${formatClock(dataFreshAt, timeFormat, true)}.`,
    };
  }
  if (dataFreshAt === null) {
    return {
      kind: 'none',
      label: 'no live data yet',
      detail: 'No fleet source has delivered live data yet.',
    };
  }
  const ageSeconds = (now - dataFreshAt) / 1000;
  if (ageSeconds > staleAfterSeconds) {
    return {
      kind: 'stale',
      label: `stale since ${formatClock(dataFreshAt, timeFormat)}`,
      detail: `The newest data arrived at ${formatClock(dataFreshAt, timeFormat, true)}, more than ${staleAfterSeconds} s ago (Settings, "Stale after").`,
    };
  }
  return {
    kind: 'live',
    label: 'live',
    detail: `Data is current: the newest arrived at ${formatClock(dataFreshAt, timeFormat, true)}.`,
  };
}
