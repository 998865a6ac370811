import type { Source } from '../../../shared/contract/index';
import { defaultSettings } from '../../../shared/contract/index';
import { PlayIcon, SpinnerIcon } from '../../components/icons';
import { useFleet } from '../../stores/fleet.store';
import { CheckResult } from './CheckResult';
import { kindLabel } from './source-form';
import { LockIcon, TrashIcon } from './source-icons';
import { configSummary, sourceTimes } from './source-status';
import { SourceStateBadge } from './SourceStateBadge';

/** The core's messages carry no full stop; one is needed before a hint follows. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** One source: state in icon and words, its reason, when it was last OK, when it retries; Test and Remove. */
export function SourceRow({ source, now, highlight }: { source: Source; now: number; highlight: boolean }) {
  const check = useFleet((s) => s.sourceChecks[source.id]);
  const refusal = useFleet((s) => s.removeRefusals[source.id]);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? defaultSettings.timeFormat);
  const testSource = useFleet((s) => s.testSource);
  const openRemoval = useFleet((s) => s.openRemoval);
  const { status } = source;
  const times = sourceTimes(status, now, timeFormat);
  const nameId = `source-${source.id}-name`;

  return (
    <li
      className={`source-row${highlight ? ' source-row-new' : ''}`}
      data-testid="source-row"
      data-source-id={source.id}
      data-state={status.state}
      aria-labelledby={nameId}
    >
      <div className="source-row-state">
        <SourceStateBadge state={status.state} />
      </div>
      <div className="source-row-main">
        <div className="source-row-title">
          <span className="source-name" id={nameId} data-testid="source-name">
            {source.name}
          </span>
          <span className="tag" data-testid="source-kind">
            {kindLabel(source.kind)}
          </span>
          {source.builtIn ? (
            <span className="tag tag-builtin" data-testid="source-builtin" title="Comes with the demo fleet">
              <LockIcon size={12} />
              Built in
            </span>
          ) : null}
          {highlight ? <span className="tag tag-new">Just added</span> : null}
        </div>
        <p className="source-reason" data-testid="source-reason">
          {status.reason}
        </p>
        <p className="source-meta">
          <span data-testid="source-last-ok">{times.lastOk}</span>
          {times.retry ? (
            <>
              {' · '}
              <span data-testid="source-retry">{times.retry}</span>
            </>
          ) : null}
          {' · '}
          <span className="source-config" title={configSummary(source)}>
            {configSummary(source)}
          </span>
        </p>
        {check ? <CheckResult check={check} testId="source-check" title="The test could not run" /> : null}
        {refusal && !check?.running ? (
          <p className="source-refusal" data-testid="source-refusal">
            <LockIcon size={14} />
            <span>
              Can’t be removed: {sentence(refusal.message)}
              {refusal.hint ? ` ${refusal.hint}` : ''}
            </span>
          </p>
        ) : null}
      </div>
      <div className="source-row-actions">
        <button
          type="button"
          className="button"
          onClick={() => void testSource(source.id)}
          disabled={check?.running}
          aria-label={`Test ${source.name}`}
          data-testid="source-test"
        >
          {check?.running ? <SpinnerIcon /> : <PlayIcon />}
          <span>{check?.running ? 'Testing…' : 'Test'}</span>
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void openRemoval(source.id)}
          aria-label={`Remove ${source.name}`}
          data-testid="source-remove"
        >
          <TrashIcon />
          <span>Remove</span>
        </button>
      </div>
    </li>
  );
}
