import { Icon, type IconProps } from '../../components/icons';

/** The rail's Rollouts icon: traffic forking from one version to two; the shell's 16 px grid. */
export const RolloutsIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M1.75 8h4" />
    <path d="M5.75 8c2 0 2.5-4.25 5-4.25h2.5" />
    <path d="M5.75 8c2 0 2.5 4.25 5 4.25h2.5" />
    <path d="M11.5 2l1.75 1.75L11.5 5.5" />
    <path d="M11.5 10.5l1.75 1.75L11.5 14" />
  </Icon>
);
