import { routeHash } from '../routing/routes';
import { useFleet } from '../stores/fleet.store';
import { FleetdeckMark, GearIcon, PulseIcon } from '../components/icons';
import { navViews, type ViewEntry } from './views';

const icons: Record<ViewEntry['id'], typeof PulseIcon> = { about: PulseIcon, settings: GearIcon };

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Only views that exist are listed: later areas join the rail when they ship, never as placeholders. */
export function NavRail() {
  const active = useFleet((s) => s.route.view);
  return (
    <nav className="rail" aria-label="Views" data-testid="nav-rail">
      <div className="rail-brand" title="Fleetdeck">
        <FleetdeckMark />
      </div>
      <ul className="rail-list">
        {navViews.map((view) => {
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
                title={`${view.title} (${keys})`}
                aria-keyshortcuts={view.shortcut}
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
