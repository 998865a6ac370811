import type { SourceStatus } from '../../../shared/contract/index';
import { CheckCircleIcon, ErrorIcon, ReconnectIcon, WarningIcon } from '../../components/icons';
import { DisabledIcon } from './source-icons';
import { stateWords } from './source-status';

const stateIcons: Record<SourceStatus['state'], typeof ErrorIcon> = {
  connecting: ReconnectIcon,
  ok: CheckCircleIcon,
  degraded: WarningIcon,
  error: ErrorIcon,
  disabled: DisabledIcon,
};

/** A source's state as icon and word; the colour only repeats them. */
export function SourceStateBadge({ state }: { state: SourceStatus['state'] }) {
  const Icon = stateIcons[state];
  return (
    <span className={`source-state source-state-${state}`} data-testid="source-state" data-state={state}>
      <Icon className={state === 'connecting' ? 'spin-slow' : undefined} />
      <span>{stateWords[state]}</span>
    </span>
  );
}
