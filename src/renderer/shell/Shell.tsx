import { useEffect, useRef, type RefObject } from 'react';
import { useFleet } from '../stores/fleet.store';
import { AboutView } from '../views/AboutView';
import { DemoView } from '../views/demo-faults/DemoView';
import { EndpointDetailView } from '../views/endpoint-detail/EndpointDetailView';
import { EndpointsView } from '../views/endpoints/EndpointsView';
import { FleetView } from '../views/fleet/FleetView';
import { CommandPalette } from '../palette/CommandPalette';
import { NotFoundView } from '../views/NotFoundView';
import { SettingsView } from '../views/SettingsView';
import { SpendView } from '../views/spend/SpendView';
import { TerminalView } from '../views/terminal/TerminalView';
import { RunbookDetailView } from '../views/runbooks/RunbookDetailView';
import { RunbooksView } from '../views/runbooks/RunbooksView';
import { RunHistoryView } from '../views/runbooks/RunHistoryView';
import { RunView } from '../views/runbooks/RunView';
import { NewRolloutView } from '../views/rollouts/NewRolloutView';
import { RolloutsView } from '../views/rollouts/RolloutsView';
import { RolloutView } from '../views/rollouts/RolloutView';
import { IncidentsView } from '../views/incidents/IncidentsView';
import { IncidentView } from '../views/incidents/IncidentView';
import { HealingView } from '../views/healing/HealingView';
import { AddSourceView } from '../views/sources/AddSourceView';
import { SourcesView } from '../views/sources/SourcesView';
import { CoreUnreachable } from './CoreUnreachable';
import { NavRail } from './NavRail';
import { StatusBar } from './StatusBar';
import { useHashRoute, useSession, useShortcuts, useTheme } from './useShellEffects';

function CurrentView() {
  const route = useFleet((s) => s.route);
  const unreachable = useFleet((s) => s.info === null && s.infoError !== null);
  if (unreachable) return null;
  switch (route.view) {
    case 'fleet':
      return <FleetView />;
    case 'about':
      return <AboutView />;
    case 'settings':
      return <SettingsView />;
    case 'sources':
      return <SourcesView />;
    case 'source-new':
      return <AddSourceView />;
    case 'demo':
      return <DemoView />;
    case 'endpoints':
      return <EndpointsView />;
    case 'endpoint-detail':
      return <EndpointDetailView />;
    case 'spend':
      return <SpendView />;
    case 'terminal':
      return <TerminalView />;
    case 'runbooks':
      return <RunbooksView />;
    case 'runbook-detail':
      return <RunbookDetailView />;
    case 'runs':
      return <RunHistoryView />;
    case 'run-detail':
      return <RunView />;
    case 'rollouts':
      return <RolloutsView />;
    case 'rollout-new':
      return <NewRolloutView />;
    case 'rollout-detail':
      return <RolloutView />;
    case 'incidents':
      return <IncidentsView />;
    case 'incident-detail':
      return <IncidentView />;
    case 'healing':
      return <HealingView />;
    case 'not-found':
      return <NotFoundView path={route.path} />;
  }
}

/** Moves focus to the new view's heading when the route changes, so keyboard and screen reader users follow. */
function useFocusOnRouteChange(main: RefObject<HTMLElement | null>) {
  const view = useFleet((s) => s.route.view);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('[data-view-title]')?.focus({ preventScroll: true });
  }, [view, main]);
}

export function Shell() {
  useSession();
  useHashRoute();
  useTheme();
  useShortcuts();
  const main = useRef<HTMLElement>(null);
  useFocusOnRouteChange(main);
  const view = useFleet((s) => s.route.view);
  return (
    <div className="shell" data-testid="shell" data-view={view}>
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <NavRail />
      <main className="main" id="main" ref={main} tabIndex={-1}>
        <CoreUnreachable />
        <CurrentView />
      </main>
      <StatusBar />
      <CommandPalette />
    </div>
  );
}
