/** The rail's Spend icon: a coin with a rising line; same 16 px grid as components/icons.tsx. */
export function SpendIcon({ size = 16, className }: { size?: number; className?: string }) {
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
      <circle cx="5.5" cy="10.5" r="3.5" />
      <path d="M5.5 9v3" />
      <path d="M9.5 7.5 12 5l2.5 2.5" />
      <path d="M12 5v8" />
    </svg>
  );
}
