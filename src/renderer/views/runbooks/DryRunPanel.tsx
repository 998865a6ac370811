import { useEffect, useRef } from 'react';
import { CopyButton } from '../../components/CopyButton';
import type { RunbookRender } from '../../stores/runbooks.slice';

/**
 * A dry run (runbooks.render): every command exactly as the terminal would receive it,
 * parameters already shell-quoted by the core, in order. Nothing has run.
 */
export function DryRunPanel({ render, readOnly }: { render: RunbookRender; readOnly: boolean }) {
  const script = render.steps
    .filter((s) => s.command)
    .map((s) => `# ${s.idx + 1}. ${s.title}\n${s.command}`)
    .join('\n\n');
  const ref = useRef<HTMLElement>(null);
  // Asked for with a button at the side: bring the answer into view (once, not on every re-render).
  useEffect(() => {
    void ref.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, []);
  return (
    <section ref={ref} className="panel rb-dry-run" aria-labelledby="rb-dry-run-title" data-testid="dry-run">
      <div className="panel-head">
        <h2 className="panel-title" id="rb-dry-run-title">
          Dry run — nothing was run
        </h2>
        <CopyButton text={script} label="Copy commands" />
      </div>
      <ol className="rb-dry-steps">
        {render.steps.map((s) => (
          <li key={s.idx} className="rb-dry-step" data-testid="dry-run-step" data-kind={s.kind}>
            <span className="rb-dry-title">
              {s.idx + 1}. {s.title}
              {s.confirm ? (
                <span className={readOnly ? 'rb-chip rb-chip-error' : 'rb-chip rb-chip-warning'}>
                  {readOnly ? 'refused in read-only mode' : 'asks to confirm'}
                </span>
              ) : null}
            </span>
            {s.command ? (
              <pre className="rb-command" data-testid="dry-run-command">
                <code>{s.command}</code>
              </pre>
            ) : (
              <p className="muted">Manual step: you do it and tick it done.</p>
            )}
            {s.rollback ? (
              <p className="rb-dry-rollback">
                Rollback: <code>{s.rollback}</code>
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
