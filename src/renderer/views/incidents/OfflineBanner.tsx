import { defaultSettings } from '../../../shared/contract/index';
import { describeFreshness } from '../../status/freshness';
import { useFleet } from '../../stores/fleet.store';
import { offlineWords } from './offline-words';

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
  const words = offlineWords(freshness.kind, dataFreshAt, timeFormat);
  if (!words) return null;
  return (
    <div
      className="notice inc-offline"
      role="status"
      data-testid="incidents-offline"
      data-kind={freshness.kind}
    >
      <div className="notice-body">
        <p className="notice-title">{words.head}</p>
        <p className="notice-hint">
          {words.why} Timelines, charts, runs and transcripts below are what was recorded; live data resumes
          when a source answers again.
        </p>
      </div>
    </div>
  );
}
