/**
 * Icons the Sources and Demo views add to the shell's set (components/icons.tsx): same 16 px
 * grid, stroked with currentColor, decorative (always beside words that say the same).
 */
import { Icon, type IconProps } from '../../components/icons';

/** Three stacked feeds flowing in: where the fleet's data comes from. */
export const SourcesIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="3.2" cy="3.6" r="1.4" />
    <circle cx="3.2" cy="8" r="1.4" />
    <circle cx="3.2" cy="12.4" r="1.4" />
    <path d="M4.6 3.6h2.6c1 0 1.8.8 1.8 1.8V8M4.6 12.4h2.6c1 0 1.8-.8 1.8-1.8V8M4.6 8H13" />
    <path d="M11 6l2 2-2 2" />
  </Icon>
);

/** A lightning bolt: an injected fault. */
export const FaultIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M9.2 1.6L3.6 9h4l-1 5.4L12.4 7h-4l.8-5.4z" />
  </Icon>
);

export const PlusIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M8 3v10M3 8h10" />
  </Icon>
);

export const TrashIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M2.8 4.2h10.4M6.3 4.2V2.8h3.4v1.4M4.2 4.2l.6 9h6.4l.6-9" />
    <path d="M6.6 6.6v4.4M9.4 6.6v4.4" />
  </Icon>
);

/** A circle with a bar: switched off. */
export const DisabledIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="6.25" />
    <path d="M3.6 12.4l8.8-8.8" />
  </Icon>
);

/** A padlock: a built-in source, or a stored secret. */
export const LockIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="3.2" y="7" width="9.6" height="6.8" rx="1.3" />
    <path d="M5.4 7V5.2a2.6 2.6 0 0 1 5.2 0V7" />
  </Icon>
);

export const SearchIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="7" cy="7" r="4.3" />
    <path d="M10.2 10.2l3.6 3.6" />
  </Icon>
);

export const ArrowLeftIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M13 8H3.5M7.4 4L3.4 8l4 4" />
  </Icon>
);
