import type { RunbookCheck, RunbookStep } from '../../../shared/contract/index';
import type { RunbookRender } from '../../stores/runbooks.slice';
import { Markdown } from './markdown/Markdown';

/** A check in words: "exit code 0 within 60 s", "output matches /Ready/", the metric as written. */
export function checkWords(check: RunbookCheck): string {
  switch (check.kind) {
    case 'exit_code':
      return `exit code ${check.equals} within ${check.timeoutSeconds} s`;
    case 'output':
      return `output matches /${check.matches}/ within ${check.timeoutSeconds} s`;
    case 'metric':
      // A window set by a parameter is known once rendered; so is the timeout derived from it.
      return check.templated && !check.templated.timeoutGiven
        ? `${check.expression} (gives up 5 min after its window)`
        : `${check.expression} (gives up after ${check.timeoutSeconds} s)`;
  }
}

const failureWords: Record<RunbookStep['onFailure'], string> = {
  stop: 'stops the run',
  continue: 'continues with the next step',
  rollback: 'rolls back',
};

/**
 * The runbook's steps before it runs: guidance, the command (as a template, or rendered once a
 * dry run has been made), its check and rollback. In read-only mode a step that needs
 * confirmation is marked as refused, so nobody is surprised mid-run.
 */
export function StepOutline({
  steps,
  rendered,
  readOnly,
}: {
  steps: readonly RunbookStep[];
  rendered: RunbookRender['steps'] | null;
  readOnly: boolean;
}) {
  return (
    <ol className="rb-steps" data-testid="runbook-steps">
      {steps.map((step, i) => {
        const out = rendered?.find((r) => r.idx === i);
        const refused = readOnly && step.confirm;
        return (
          <li
            key={step.id}
            className="rb-step"
            data-testid="runbook-step"
            data-refused={refused || undefined}
          >
            <div className="rb-step-head">
              <span className="rb-step-num">{i + 1}</span>
              <span className="rb-step-title">{out?.title ?? step.title}</span>
              {step.kind === 'manual' ? <span className="rb-chip">manual</span> : null}
              {step.confirm ? (
                <span className={refused ? 'rb-chip rb-chip-error' : 'rb-chip rb-chip-warning'}>
                  {refused ? 'refused in read-only mode' : 'asks to confirm'}
                </span>
              ) : null}
            </div>
            {step.guidance ? <Markdown source={step.guidance} /> : null}
            {step.command ? (
              <div className="rb-command-block">
                <span className="rb-label">{out ? 'Will run' : 'Command'}</span>
                <pre className="rb-command" data-testid={out ? 'rendered-command' : 'command-template'}>
                  <code>{out?.command ?? step.command}</code>
                </pre>
              </div>
            ) : null}
            <dl className="rb-step-facts">
              {step.check ? (
                <>
                  <dt>Check</dt>
                  <dd>{checkWords(step.check)}</dd>
                </>
              ) : null}
              {step.rollback ? (
                <>
                  <dt>Rollback</dt>
                  <dd>
                    <code>{out?.rollback ?? step.rollback}</code>
                  </dd>
                </>
              ) : null}
              {step.kind === 'command' ? (
                <>
                  <dt>On failure</dt>
                  <dd>{failureWords[step.onFailure]}</dd>
                </>
              ) : null}
            </dl>
          </li>
        );
      })}
    </ol>
  );
}
