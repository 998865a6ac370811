import type { ReactNode } from 'react';

export function ViewHeader({
  title,
  subtitle,
  actions,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="view-header">
      <div>
        <h1 className="view-title" tabIndex={-1} data-view-title>
          {title}
        </h1>
        {subtitle ? <p className="view-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="view-actions">{actions}</div> : null}
    </header>
  );
}
