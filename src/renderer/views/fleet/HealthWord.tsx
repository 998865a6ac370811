import type { HealthStatus } from '../../../shared/contract/index';
import { CheckCircleIcon, ErrorIcon, WarningIcon } from '../../components/icons';
import { healthWords } from './fleet-model';

const UnknownIcon = ({ size = 16 }: { size?: number }) => (
  <svg
    className="icon"
    width={size}
    height={size}
    viewBox="0 0 16 16"
    fill="none"
    stroke="currentColor"
    strokeWidth={1.5}
    strokeLinecap="round"
    aria-hidden="true"
    focusable="false"
  >
    <circle cx="8" cy="8" r="6.25" strokeDasharray="2.2 2" />
    <path d="M6.3 6.3a1.8 1.8 0 1 1 2.4 1.7c-.5.2-.7.6-.7 1.1" />
    <path d="M8 11.3v.1" />
  </svg>
);

const icons = { ok: CheckCircleIcon, warning: WarningIcon, critical: ErrorIcon, unknown: UnknownIcon };

/** Health as icon and word together: colour is never the only signal (issue 4). */
export function HealthWord({ status, label }: { status: HealthStatus; label?: string }) {
  const Icon = icons[status];
  return (
    <span className={`health health-${status}`} data-health={status}>
      <Icon />
      <span>{label ?? healthWords[status]}</span>
    </span>
  );
}
