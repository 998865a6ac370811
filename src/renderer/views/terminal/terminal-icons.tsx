import { Icon, type IconProps } from '../../components/icons';

/** The rail's Terminal icon: a prompt and a cursor in a window; the shell's 16 px icon grid. */
export const TerminalIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="1.5" y="2.5" width="13" height="11" rx="1.5" />
    <path d="m4.5 6 2 2-2 2" />
    <path d="M8.5 10.5h3" />
  </Icon>
);
