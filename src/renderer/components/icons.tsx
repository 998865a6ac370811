import type { ReactNode } from 'react';

/**
 * A small hand-drawn icon set (16 px grid, stroked with currentColor) so the bundle needs no
 * icon font or library. Icons are decorative: every one sits beside words that say the same.
 */
export function Icon({
  children,
  size = 16,
  className,
}: {
  children: ReactNode;
  size?: number;
  className?: string;
}) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export type IconProps = { size?: number; className?: string };

export const CheckCircleIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="6.25" />
    <path d="M5.25 8.25l1.9 1.9 3.6-3.9" />
  </Icon>
);

export const WarningIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M8 1.9l6.4 11.3H1.6L8 1.9z" />
    <path d="M8 6.4v3" />
    <path d="M8 11.4v.1" />
  </Icon>
);

export const ErrorIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="6.25" />
    <path d="M5.9 5.9l4.2 4.2M10.1 5.9l-4.2 4.2" />
  </Icon>
);

export const ReconnectIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M13.2 6.2A5.4 5.4 0 0 0 3.3 5" />
    <path d="M13.4 2.6v3.6H9.8" />
    <path d="M2.8 9.8A5.4 5.4 0 0 0 12.7 11" />
    <path d="M2.6 13.4V9.8h3.6" />
  </Icon>
);

export const DisconnectedIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M2 2l12 12" />
    <path d="M5.6 3.5A6.3 6.3 0 0 1 14 6" />
    <path d="M2 6a6.3 6.3 0 0 1 1.7-1.3" />
    <path d="M4.4 8.9a3.6 3.6 0 0 1 2.1-1.2" />
    <path d="M9.5 7.9a3.6 3.6 0 0 1 2.1 1" />
    <path d="M8 12.2v.1" />
  </Icon>
);

export const ConnectedIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M2 6a8.6 8.6 0 0 1 12 0" />
    <path d="M4.4 8.9a5.2 5.2 0 0 1 7.2 0" />
    <path d="M6.5 11.2a2.2 2.2 0 0 1 3 0" />
    <path d="M8 13.3v.1" />
  </Icon>
);

export const DatabaseIcon = (p: IconProps) => (
  <Icon {...p}>
    <ellipse cx="8" cy="3.8" rx="5" ry="1.9" />
    <path d="M3 3.8v8.4c0 1 2.2 1.9 5 1.9s5-.9 5-1.9V3.8" />
    <path d="M3 8c0 1 2.2 1.9 5 1.9s5-.9 5-1.9" />
  </Icon>
);

export const FolderIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M1.8 4.2c0-.7.5-1.2 1.2-1.2h3l1.5 1.7H13c.7 0 1.2.5 1.2 1.2v6.1c0 .7-.5 1.2-1.2 1.2H3c-.7 0-1.2-.5-1.2-1.2V4.2z" />
  </Icon>
);

export const ClockIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="6.25" />
    <path d="M8 4.6V8l2.3 1.5" />
  </Icon>
);

export const PulseIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M1.5 8.5h2.8l1.6-4.2 3 8.2 1.8-4h3.8" />
  </Icon>
);

export const GearIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="2.1" />
    <path d="M8 1.6v1.6M8 12.8v1.6M1.6 8h1.6M12.8 8h1.6M3.5 3.5l1.1 1.1M11.4 11.4l1.1 1.1M3.5 12.5l1.1-1.1M11.4 4.6l1.1-1.1" />
    <circle cx="8" cy="8" r="4.6" />
  </Icon>
);

export const CopyIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="5.3" y="5.3" width="8.2" height="8.2" rx="1.3" />
    <path d="M10.7 5.3V3.8c0-.7-.6-1.3-1.3-1.3H3.8c-.7 0-1.3.6-1.3 1.3v5.6c0 .7.6 1.3 1.3 1.3h1.5" />
  </Icon>
);

export const CheckIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M3.2 8.4l3 3 6.6-6.8" />
  </Icon>
);

export const PlayIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M5 3.2v9.6l7.6-4.8L5 3.2z" />
  </Icon>
);

export const SpinnerIcon = (p: IconProps) => (
  <Icon {...p} className={p.className ? `spin ${p.className}` : 'spin'}>
    <path d="M8 1.8a6.2 6.2 0 1 1-6.2 6.2" />
  </Icon>
);

/** The Fleetdeck mark: a deck of three stacked nodes. */
export const FleetdeckMark = ({ size = 22 }: { size?: number }) => (
  <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="mark">
    <rect x="3" y="3.5" width="18" height="4.5" rx="1.6" fill="var(--accent)" />
    <rect x="3" y="9.75" width="18" height="4.5" rx="1.6" fill="var(--accent)" opacity="0.7" />
    <rect x="3" y="16" width="18" height="4.5" rx="1.6" fill="var(--accent)" opacity="0.45" />
    <circle cx="6.3" cy="5.75" r="1" fill="var(--bg-rail)" />
    <circle cx="6.3" cy="12" r="1" fill="var(--bg-rail)" />
    <circle cx="6.3" cy="18.25" r="1" fill="var(--bg-rail)" />
  </svg>
);
