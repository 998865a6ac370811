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

/**
 * The fleet map (issue 4): first in the rail and the default view. No Alt+<n> of its own yet,
 * so Alt+1/Alt+2 keep opening Health/Settings as the shortcut tests pin them.
 */
export const fleetView: ViewEntry = { id: 'fleet', label: 'Fleet', title: 'Fleet', shortcut: '' };

/** Demo fault injection: in the rail only while the demo fleet runs (demo.faults answers). */
export const demoView: ViewEntry = { id: 'demo', label: 'Demo', title: 'Demo faults', shortcut: '' };

/** The endpoints table (issue 4); sits after "Fleet" in the rail once that view exists. */
export const endpointsView: ViewEntry = {
  id: 'endpoints',
  label: 'Endpoints',
  title: 'Endpoints',
  shortcut: '',
};

/** The rail entry a view belongs to: adding a source is part of Sources, a detail of its table. */
export const railEntryOf = (view: ViewId | 'not-found'): ViewId | null =>
  view === 'not-found'
    ? null
    : view === 'source-new'
      ? 'sources'
      : view === 'endpoint-detail'
        ? 'endpoints'
        : view === 'runbook-detail' || view === 'runs' || view === 'run-detail'
          ? 'runbooks'
          : view === 'rollout-new' || view === 'rollout-detail'
            ? 'rollouts'
            : view === 'incident-detail' || view === 'healing'
              ? 'incidents'
              : view;

/** Spend over time, unit costs, GPU-hours and the projected month (issue 4); after Endpoints. */
export const spendView: ViewEntry = { id: 'spend', label: 'Spend', title: 'Spend', shortcut: '' };

/** The embedded terminal (issue 5). Ctrl+` as in VS Code, the terminal people already know. */
export const terminalView: ViewEntry = {
  id: 'terminal',
  label: 'Terminal',
  title: 'Terminal',
  shortcut: 'Ctrl+`',
};

/** Runbooks (issue 5): the library, one runbook, a run and the run history share one rail entry. */
export const runbooksView: ViewEntry = { id: 'runbooks', label: 'Runbooks', title: 'Runbooks', shortcut: '' };

/** Rollouts (issue 6): the list, a new plan and one rollout share one rail entry, after Runbooks. */
export const rolloutsView: ViewEntry = { id: 'rollouts', label: 'Rollouts', title: 'Rollouts', shortcut: '' };

/** Incidents (issue 7): right after Fleet in the rail, with the count of active incidents. */
export const incidentsView: ViewEntry = {
  id: 'incidents',
  label: 'Incidents',
  title: 'Incidents',
  shortcut: '',
};
