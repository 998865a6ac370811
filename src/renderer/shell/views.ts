import type { ViewId } from '../routing/routes';

/** The views that exist today, in rail order; Alt+<n> opens the n-th. */
export interface ViewEntry {
  id: ViewId;
  /** The short rail label. */
  label: string;
  /** The heading of the view itself. */
  title: string;
  shortcut: string;
}

export const navViews: readonly ViewEntry[] = [
  { id: 'about', label: 'Health', title: 'About & health', shortcut: 'Alt+1' },
  { id: 'settings', label: 'Settings', title: 'Settings', shortcut: 'Alt+2' },
];
