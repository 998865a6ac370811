import { ErrorNotice } from '../../components/ErrorNotice';
import { CheckCircleIcon, ErrorIcon, SpinnerIcon } from '../../components/icons';
import { defaultSettings } from '../../../shared/contract/index';
import { formatClock } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';
import type { CheckState } from '../../stores/sources.slice';

/**
 * What `sources.test` said: its one-line message and every detail line, in words. A test that
 * could not run at all (refused settings, no connection) is an error notice instead.
 */
export function CheckResult({ check, testId, title }: { check: CheckState; testId: string; title: string }) {
  if (check.running) {
    return (
      <div className="check check-running" data-testid={testId} data-state="running" role="status">
        <SpinnerIcon />
        <span>Testing…</span>
      </div>
    );
  }
  if (check.error) {
    return (
      <div data-testid={testId} data-state="refused">
        <ErrorNotice title={title} error={check.error} />
      </div>
    );
  }
  if (!check.result) return null;
  return <CheckPassedOrFailed check={check} testId={testId} />;
}

function CheckPassedOrFailed({ check, testId }: { check: CheckState; testId: string }) {
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? defaultSettings.timeFormat);
  if (!check.result) return null;
  const { ok, message, details } = check.result;
  return (
    <div
      className={`check ${ok ? 'check-ok' : 'check-failed'}`}
      data-testid={testId}
      data-state={ok ? 'ok' : 'failed'}
      role="status"
    >
      {ok ? <CheckCircleIcon className="check-icon" /> : <ErrorIcon className="check-icon" />}
      <div className="check-body">
        <p className="check-message" data-testid={`${testId}-message`}>
          <strong>{ok ? 'Test passed: ' : 'Test failed: '}</strong>
          {message}
        </p>
        {check.at !== null ? (
          <p className="check-at" data-testid={`${testId}-at`}>
            Tested at {formatClock(check.at, timeFormat, true)}
          </p>
        ) : null}
        {details.length > 0 ? (
          <ul className="check-details">
            {details.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
