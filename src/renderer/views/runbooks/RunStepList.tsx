import { useEffect, useRef } from 'react';
import type { Run, RunStepRecord } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import { stepDuration, stepStateWords } from './run-words';

/** The tail of a step's output, kept scrolled to its end while the step runs. */
function StepOutput({ text, live }: { text: string; live: boolean }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (live && ref.current) ref.current.scrollTop = ref.current.scrollHeight;
  }, [text, live]);
  return (
    <pre ref={ref} className="rb-output" data-testid="step-output" tabIndex={0} aria-label="Step output">
      {text}
    </pre>
  );
}

function StepRow({ step, current, now }: { step: RunStepRecord; current: boolean; now: number }) {
  const words = stepStateWords[step.state];
  const busy = step.state === 'running' || step.state === 'checking';
  const duration = stepDuration(step, now);
  // Finished steps fold away; the current one, failures and anything still going stay open.
  const open = current || busy || step.state === 'failed' || step.state === 'interrupted';
  return (
    <li
      className={current ? 'rb-run-step rb-run-step-current' : 'rb-run-step'}
      data-testid="run-step"
      data-idx={step.idx}
      data-state={step.state}
      aria-current={current ? 'step' : undefined}
    >
      <details open={open}>
        <summary className="rb-run-step-head">
          <span className={`rb-state tone-${words.tone}`} data-testid="run-step-state">
            {busy ? <SpinnerIcon className="spin" /> : null}
            {words.label}
          </span>
          <span className="rb-step-num">{step.idx + 1}</span>
          <span className="rb-step-title">{step.title}</span>
          {step.kind === 'manual' ? <span className="rb-chip">manual</span> : null}
          {step.confirm ? <span className="rb-chip rb-chip-warning">confirm</span> : null}
          <span className="rb-run-step-facts">
            {step.exitCode !== null ? (
              <span className={step.exitCode === 0 ? 'tone-ok' : 'tone-error'} data-testid="run-step-exit">
                exit {step.exitCode}
              </span>
            ) : null}
            {duration ? <span className="muted">{duration}</span> : null}
          </span>
        </summary>
        <div className="rb-run-step-body">
          {step.command ? (
            <pre className="rb-command" data-testid="run-step-command">
              <code>{step.command}</code>
            </pre>
          ) : null}
          {step.check ? (
            <p className={step.check.ok ? 'tone-ok' : 'tone-error'} data-testid="run-step-check">
              Check {step.check.ok ? 'passed' : 'failed'}: {step.check.detail}
            </p>
          ) : step.state === 'checking' ? (
            <p className="tone-active">Checking…</p>
          ) : null}
          {step.confirmedBy ? <p className="muted">Confirmed by {step.confirmedBy}</p> : null}
          {step.rollback ? (
            <p className="muted">
              Rollback <code>{step.rollback.command}</code>: {stepStateWords[step.rollback.state].label}
              {step.rollback.exitCode !== null ? ` (exit ${step.rollback.exitCode})` : ''}
            </p>
          ) : null}
          {step.output ? <StepOutput text={step.output} live={busy} /> : null}
        </div>
      </details>
    </li>
  );
}

/** Every step of the run with its state, rendered command, exit code, check, duration and output. */
export function RunStepList({ run, now }: { run: Run; now: number }) {
  return (
    <ol className="rb-run-steps" data-testid="run-steps">
      {run.steps.map((step) => (
        <StepRow key={step.idx} step={step} current={step.idx === run.currentStep} now={now} />
      ))}
    </ol>
  );
}
