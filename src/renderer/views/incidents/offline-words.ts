import type { Settings } from '../../../shared/contract/index';
import { formatClock } from '../../format/display-format';
import type { Freshness } from '../../status/freshness';

/**
 * The offline banner's words (issue 7: "the UI says it is offline and since when"), in the
 * status bar's terms: since when is the newest live data; null when the data is live.
 */
export function offlineWords(
  kind: Freshness['kind'],
  dataFreshAt: number | null,
  timeFormat: Settings['timeFormat'],
): { head: string; why: string } | null {
  if (kind === 'live') return null;
  const since = dataFreshAt === null ? null : formatClock(dataFreshAt, timeFormat);
  const lead =
    kind === 'none' ? 'Offline: no live data from any source' : since ? `Offline since ${since}` : 'Offline';
  const why =
    kind === 'offline'
      ? 'Not connected to the Fleetdeck core.'
      : kind === 'none'
        ? 'No fleet source has delivered live data.'
        : `The newest live data arrived at ${formatClock(dataFreshAt ?? 0, timeFormat, true)}.`;
  return { head: `${lead} — showing incidents from the local database`, why };
}
