import type { Freshness } from '../../status/freshness';

/** A figure's freshness in words (never colour alone): "live", "stale since 14:02", "offline". */
export function FigureFreshness({ freshness, testId }: { freshness: Freshness; testId?: string }) {
  return (
    <span
      className={`spend-freshness is-${freshness.kind}`}
      title={freshness.detail}
      data-freshness={freshness.kind}
      data-testid={testId}
    >
      <span className="spend-freshness-dot" aria-hidden="true" />
      {freshness.label}
    </span>
  );
}
