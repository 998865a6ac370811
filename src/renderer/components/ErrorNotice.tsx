import type { ReactNode } from 'react';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { ErrorIcon } from './icons';

/** A failure as the person needs it: what failed, where, and what to do next (CONVENTIONS.md 9). */
export function ErrorNotice({
  title,
  error,
  children,
  testId,
}: {
  title: string;
  error: FleetErrorBody;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-code={error.code}>
      <ErrorIcon size={18} className="notice-icon" />
      <div className="notice-body">
        <p className="notice-title">{title}</p>
        <p className="notice-message">{error.message}</p>
        {error.hint ? <p className="notice-hint">{error.hint}</p> : null}
        {error.where ? (
          <p className="notice-where">
            Failed in <code>{error.where}</code> · code <code>{error.code}</code>
          </p>
        ) : null}
        {children ? <div className="notice-actions">{children}</div> : null}
      </div>
    </div>
  );
}
