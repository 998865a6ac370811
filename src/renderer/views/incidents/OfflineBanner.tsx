import { defaultSettings } from '../../../shared/contract/index';
import { formatClock } from '../../format/display-format';
import { describeFreshness } from '../../status/freshness';
import { useFleet } from '../../stores/fleet.store';

/**
 * Offline review (issue 7): when nothing live is coming in, say so and since when, in the status
 * bar's words ("stale since 14:02"), and say where what is on screen comes from. Incidents are
 * read from the local database only, so everything below still renders.
 */
export function OfflineBanner() {
  const connection = useFleet((s) => s.connection);
  const status = useFleet((s) => s.status);
  const staleAfterSeconds = useFleet(
    (s) => s.settings?.staleAfterSeconds ?? defaultSettings.staleAfterSeconds,
  );
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? defaultSettings.timeFormat);
  // Before the first app.status there is nothing to judge by: no banner rather than a wrong one.
  if (!status && connection !== 'disconnected') return null;
  const dataFreshAt = status?.dataFreshAt ?? null;
  const freshness = describeFreshness({
    connection,
    dataFreshAt,
    now: status?.at ?? 0,
    staleAfterSeconds,
    timeFormat,
  });
  if (freshness.kind === 'live') return null;
  const since = dataFreshAt === null ? null : formatClock(dataFreshAt, timeFormat);
  const head =
    freshness.kind === 'none'
      ? 'Offline: no live data from any source'
      : since
        ? `Offline since ${since}`
        : 'Offline';
  const why =
    freshness.kind === 'offline'
      ? 'Not connected to the Fleetdeck core.'
      : freshness.kind === 'none'
        ? 'No fleet source has delivered live data.'
        : `The newest live data arrived at ${formatClock(dataFreshAt ?? 0, timeFormat, true)}.`;
  return (
    <div
      className="notice inc-offline"
      role="status"
      data-testid="incidents-offline"
      data-kind={freshness.kind}
    >
      <div className="notice-body">
        <p className="notice-title">{head} — showing incidents from the local database</p>
        <p className="notice-hint">
          {why} Timelines, charts, runs and transcripts below are what was recorded; live data resumes when a
          source answers again.
        </p>
      </div>
    </div>
  );
}
