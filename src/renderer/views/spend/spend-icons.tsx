import { Icon, type IconProps } from '../../components/icons';

/** The rail's Spend icon: a coin with a rising line; the shell's 16 px icon grid. */
export const SpendIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="5.5" cy="10.5" r="3.5" />
    <path d="M5.5 9v3" />
    <path d="M9.5 7.5 12 5l2.5 2.5" />
    <path d="M12 5v8" />
  </Icon>
);
