import { Icon, type IconProps } from '../../components/icons';

/** The rail's Incidents icon: a warning triangle over a timeline tick; the shell's 16 px grid. */
export const IncidentsIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M8 1.75l6.25 11H1.75z" />
    <path d="M8 6v3" />
    <path d="M8 11.1v.05" />
  </Icon>
);
