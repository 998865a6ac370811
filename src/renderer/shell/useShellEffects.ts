import { useEffect } from 'react';
import { routeHash, type ViewId } from '../routing/routes';
import { selectTheme, useFleet } from '../stores/fleet.store';
import { navViews } from './views';

/** Opens the core session for as long as the shell is mounted. */
export function useSession(): void {
  const startSession = useFleet((s) => s.startSession);
  useEffect(() => startSession(), [startSession]);
  // The live fleet (fleet-data.slice) for every view that shows endpoints.
  const startFleet = useFleet((s) => s.startFleet);
  useEffect(() => startFleet(), [startFleet]);
}

/** Keeps the route in step with the address bar; `#/` and no hash become `#/fleet`. */
export function useHashRoute(): void {
  const syncRoute = useFleet((s) => s.syncRoute);
  useEffect(() => {
    const { hash, pathname, search } = window.location;
    if (hash === '' || hash === '#' || hash === '#/') {
      // Rewrite in place so the address is shareable without adding a Back step.
      window.history.replaceState(null, '', `${pathname}${search}${routeHash('fleet')}`);
    }
    syncRoute(window.location.hash);
    const onHashChange = () => syncRoute(window.location.hash);
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [syncRoute]);
}

/** Follows prefers-color-scheme and puts the effective theme on <html> for the CSS variables. */
export function useTheme(): void {
  const setOsTheme = useFleet((s) => s.setOsTheme);
  const theme = useFleet(selectTheme);
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => setOsTheme(query.matches ? 'dark' : 'light');
    apply();
    query.addEventListener('change', apply);
    return () => query.removeEventListener('change', apply);
  }, [setOsTheme]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}

/** The shortcut table, pure so it can be tested without a DOM. */
export function shortcutTarget(event: {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}): ViewId | null {
  const { key, code, altKey, ctrlKey, metaKey, shiftKey } = event;
  // Ctrl+, (Cmd+, on macOS) is where every desktop app keeps its settings.
  if ((ctrlKey || metaKey) && !altKey && !shiftKey && key === ',') return 'settings';
  // Ctrl+` (on macOS too, as VS Code does: Cmd+` cycles windows there), by physical key.
  if (ctrlKey && !altKey && !metaKey && !shiftKey && code === 'Backquote') return 'terminal';
  // Alt+<n> by physical key: on macOS Alt+1 types "¡", so `key` cannot be trusted.
  if (altKey && !ctrlKey && !metaKey && !shiftKey) {
    const match = /^Digit([1-9])$/.exec(code);
    const view = match ? navViews[Number(match[1]) - 1] : undefined;
    if (view) return view.id;
  }
  return null;
}

export function useShortcuts(): void {
  const navigate = useFleet((s) => s.navigate);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      const target = shortcutTarget(event);
      if (!target) return;
      event.preventDefault();
      navigate(target);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [navigate]);
}
