/** A source that refreshes slower than the stale setting is trusted for at most this long. */
export const MAX_CADENCE_STALE_MS = 5 * 60_000;
const GAPS_KEPT = 3;

/**
 * How often each endpoint's figures arrive, from the gaps between its sample times. A source
 * that cannot refresh as often as the stale setting asks (10,000 endpoints scraped at a rate
 * limit take 90 s a pass) would otherwise flip every endpoint between live and stale each pass,
 * which tells an on-call engineer nothing: stale should mean "the source missed its own rhythm".
 * The shortest of the last three gaps is the rhythm, so one long outage does not stretch it.
 */
export class SampleCadence {
  private readonly byEndpoint = new Map<string, { last: number; gaps: number[] }>();

  note(endpointId: string, at: number): void {
    const s = this.byEndpoint.get(endpointId);
    if (!s) {
      this.byEndpoint.set(endpointId, { last: at, gaps: [] });
      return;
    }
    if (at <= s.last) return;
    s.gaps.push(at - s.last);
    if (s.gaps.length > GAPS_KEPT) s.gaps.shift();
    s.last = at;
  }

  /**
   * When the endpoint's figures count as stale: the setting, or two of the source's own refresh
   * cycles when those are longer (never more than MAX_CADENCE_STALE_MS).
   */
  staleAfterMs(endpointId: string, settingMs: number): number {
    const gaps = this.byEndpoint.get(endpointId)?.gaps;
    if (!gaps || gaps.length === 0) return settingMs;
    return Math.max(settingMs, Math.min(2 * Math.min(...gaps), MAX_CADENCE_STALE_MS));
  }

  forget(endpointId: string): void {
    this.byEndpoint.delete(endpointId);
  }
}
