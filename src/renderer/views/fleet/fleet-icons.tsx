import { Icon, type IconProps } from '../../components/icons';

/** The rail icon for the Fleet view: a globe with region markers (the shell's 16 px grid). */
export const FleetIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="6.25" />
    <path d="M1.9 6.2h12.2M1.9 9.8h12.2" />
    <path d="M8 1.75c-1.9 1.8-2.6 3.9-2.6 6.25s.7 4.45 2.6 6.25c1.9-1.8 2.6-3.9 2.6-6.25S9.9 3.55 8 1.75z" />
  </Icon>
);
