import { CheckCircleIcon, ErrorIcon, WarningIcon } from './icons';

export type CheckStatus = 'ok' | 'warning' | 'error';

const words: Record<CheckStatus, string> = { ok: 'OK', warning: 'Warning', error: 'Error' };

/** A check result as icon and word together: the colour is never the only signal. */
export function StatusBadge({ status, label }: { status: CheckStatus; label?: string }) {
  const Icon = status === 'ok' ? CheckCircleIcon : status === 'warning' ? WarningIcon : ErrorIcon;
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <Icon />
      <span>{label ?? words[status]}</span>
    </span>
  );
}
