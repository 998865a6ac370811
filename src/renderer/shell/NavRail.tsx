import { useEffect } from 'react';
import { routeHash } from '../routing/routes';
import { useFleet } from '../stores/fleet.store';
import { FleetdeckMark, GearIcon, PulseIcon } from '../components/icons';
import { FaultIcon, SourcesIcon } from '../views/sources/source-icons';
import {
  demoView,
  endpointsView,
  fleetView,
  incidentsView,
  navViews,
  railEntryOf,
  rolloutsView,
  runbooksView,
  sourcesView,
  spendView,
  terminalView,
  type ViewEntry,
} from './views';
import { SpendIcon } from '../views/spend/spend-icons';
import { EndpointsIcon } from '../views/endpoints/endpoint-icons';
import { FleetIcon } from '../views/fleet/fleet-icons';
import { TerminalIcon } from '../views/terminal/terminal-icons';
import { RunbooksIcon } from '../views/runbooks/runbook-icons';
import { RolloutsIcon } from '../views/rollouts/rollout-icons';
import { IncidentsIcon } from '../views/incidents/incident-icons';
import { useIncidentWatch } from '../views/incidents/use-incident-watch';
import { ActiveIncidentCount } from '../views/incidents/IncidentBadges';

const icons: Record<ViewEntry['id'], typeof PulseIcon> = {
  fleet: FleetIcon,
  about: PulseIcon,
  settings: GearIcon,
  sources: SourcesIcon,
  'source-new': SourcesIcon,
  demo: FaultIcon,
  endpoints: EndpointsIcon,
  'endpoint-detail': EndpointsIcon,
  spend: SpendIcon,
  terminal: TerminalIcon,
  runbooks: RunbooksIcon,
  'runbook-detail': RunbooksIcon,
  runs: RunbooksIcon,
  'run-detail': RunbooksIcon,
  rollouts: RolloutsIcon,
  'rollout-new': RolloutsIcon,
  'rollout-detail': RolloutsIcon,
  incidents: IncidentsIcon,
  'incident-detail': IncidentsIcon,
  healing: IncidentsIcon,
};

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Only views that exist are listed: later areas join the rail when they ship, never as placeholders. */
export function NavRail() {
  const active = useFleet((s) => railEntryOf(s.route.view));
  const demoRunning = useFleet((s) => s.demoRunning === true);
  const watchDemo = useFleet((s) => s.watchDemo);
  // The Demo entry exists only while the demo fleet runs; the rail is always mounted, so it
  // is what keeps asking (issue 3 §1, fault injection "from the console").
  useEffect(() => watchDemo(), [watchDemo]);
  // Active incidents for the whole window: this entry's count, endpoint badges, notifications.
  useIncidentWatch();
  // The on-call path first (fleet -> endpoint -> spend -> runbook -> terminal), then the
  // Alt+<n> views, then Sources, and Demo while the demo fleet runs.
  const entries = [
    fleetView,
    incidentsView,
    endpointsView,
    spendView,
    runbooksView,
    rolloutsView,
    terminalView,
    ...navViews,
    sourcesView,
    ...(demoRunning ? [demoView] : []),
  ];
  return (
    <nav className="rail" aria-label="Views" data-testid="nav-rail">
      <div className="rail-brand" title="Fleetdeck">
        <FleetdeckMark />
      </div>
      <ul className="rail-list">
        {entries.map((view) => {
          const Icon = icons[view.id];
          const current = active === view.id;
          const keys =
            view.id === 'settings' ? `${view.shortcut}, ${isMac ? '⌘,' : 'Ctrl+,'}` : view.shortcut;
          return (
            <li key={view.id}>
              <a
                className="rail-item"
                href={routeHash(view.id)}
                aria-current={current ? 'page' : undefined}
                title={keys ? `${view.title} (${keys})` : view.title}
                aria-keyshortcuts={view.shortcut || undefined}
                data-testid={`nav-${view.id}`}
              >
                <Icon size={20} />
                <span className="rail-label">{view.label}</span>
                {view.id === 'incidents' ? <ActiveIncidentCount /> : null}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
