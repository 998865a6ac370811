import { useEffect } from 'react';
import { routeHash } from '../routing/routes';
import { useFleet } from '../stores/fleet.store';
import { FleetdeckMark, GearIcon, PulseIcon } from '../components/icons';
import { FaultIcon, SourcesIcon } from '../views/sources/source-icons';
import { demoView, navViews, railEntryOf, sourcesView, type ViewEntry } from './views';

const icons: Record<ViewEntry['id'], typeof PulseIcon> = {
  about: PulseIcon,
  settings: GearIcon,
  sources: SourcesIcon,
  'source-new': SourcesIcon,
  demo: FaultIcon,
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
  const entries = demoRunning ? [...navViews, sourcesView, demoView] : [...navViews, sourcesView];
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
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
