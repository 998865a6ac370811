import type { ReactNode } from 'react';

/**
 * A labelled control with its help and, when the core refused the draft, the reason for this
 * field beside it (the control gets aria-invalid and is described by both).
 */
export function FormField({
  id,
  label,
  help,
  issue,
  optional,
  children,
}: {
  id: string;
  label: string;
  help?: ReactNode;
  issue?: string | undefined;
  optional?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={`field${issue ? ' field-invalid' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
        {optional ? <span className="field-optional"> (optional)</span> : null}
      </label>
      <div className="field-control">
        {children}
        {help || issue ? (
          <p className="field-help" id={`${id}-desc`}>
            {help}
            {issue ? (
              <span className="field-issue" data-testid={`${id}-issue`}>
                {help ? ' ' : ''}
                {issue}
              </span>
            ) : null}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** The props every control in a FormField shares. */
export const controlProps = (id: string, issue: string | undefined, hasHelp = true) => ({
  id,
  name: id,
  'data-testid': id,
  'aria-invalid': issue ? true : undefined,
  'aria-describedby': hasHelp || issue ? `${id}-desc` : undefined,
});
