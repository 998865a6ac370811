import type { ViewId } from '../routing/routes';

/** The views that exist today, in rail order; Alt+<n> opens the n-th. */
export interface ViewEntry {
  id: ViewId;
  /** The short rail label. */
  label: string;
  /** The heading of the view itself. */
  title: string;
  /** Empty for a rail entry outside navViews, which has no Alt+<n>. */
  shortcut: string;
}

export const navViews: readonly ViewEntry[] = [
  { id: 'about', label: 'Health', title: 'About & health', shortcut: 'Alt+1' },
  { id: 'settings', label: 'Settings', title: 'Settings', shortcut: 'Alt+2' },
];

/**
 * Sources (Settings › Sources) also sit in the rail, after the Alt+<n> views: giving them Alt+3
 * means moving this entry into navViews and updating the shortcut test that pins Alt+3 to nothing.
 */
export const sourcesView: ViewEntry = { id: 'sources', label: 'Sources', title: 'Sources', shortcut: '' };

/** Demo fault injection: in the rail only while the demo fleet runs (demo.faults answers). */
export const demoView: ViewEntry = { id: 'demo', label: 'Demo', title: 'Demo faults', shortcut: '' };

/** The rail entry a view belongs to: adding a source is part of Sources. */
export const railEntryOf = (view: ViewId | 'not-found'): ViewId | null =>
  view === 'not-found' ? null : view === 'source-new' ? 'sources' : view;
