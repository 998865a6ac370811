import { Icon, type IconProps } from '../../components/icons';

/** The rail's Runbooks icon: a page of steps with a check; the shell's 16 px icon grid. */
export const RunbooksIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M3.5 1.75h6.5l2.5 2.5v10h-9z" />
    <path d="M5.5 6.5l1 1 1.75-2" />
    <path d="M9.5 7h1.5" />
    <path d="M5.75 10.5h5.25" />
    <path d="M5.75 12.5h3.5" />
  </Icon>
);
