import type { HealthStatus } from '../../../shared/contract/index';
import { CheckCircleIcon, ErrorIcon, Icon, WarningIcon, type IconProps } from '../../components/icons';

/** Icons the endpoint views add to the shell's set (components/icons.tsx), decorative. */
export const EndpointsIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M2 3.5h12M2 8h12M2 12.5h12" />
    <circle cx="4" cy="3.5" r="0.6" />
    <circle cx="4" cy="8" r="0.6" />
    <circle cx="4" cy="12.5" r="0.6" />
  </Icon>
);

const UnknownIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="6.25" />
    <path d="M6.3 6.2a1.8 1.8 0 1 1 2.4 1.7c-.5.2-.7.6-.7 1.1v.3" />
    <path d="M8 11.6v.1" />
  </Icon>
);

export const healthWords: Record<HealthStatus, string> = {
  ok: 'OK',
  warning: 'Warning',
  critical: 'Critical',
  unknown: 'Unknown',
};

/** Health as icon + word (+ reason): colour is never the only signal (issue 4, Behaviour). */
export function HealthBadge({ status, reason }: { status: HealthStatus; reason?: string }) {
  const IconFor =
    status === 'ok'
      ? CheckCircleIcon
      : status === 'warning'
        ? WarningIcon
        : status === 'critical'
          ? ErrorIcon
          : UnknownIcon;
  return (
    <span className={`health health-${status}`} data-health={status} title={reason}>
      <IconFor />
      <span className="health-word">{healthWords[status]}</span>
      {reason ? <span className="health-reason">{reason}</span> : null}
    </span>
  );
}
