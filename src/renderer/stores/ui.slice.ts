import { parseRoute, routeHash, sameRoute, type Route, type ViewId } from '../routing/routes';
import type { SliceCreator, StoreDeps } from './store.types';

export type ColorScheme = 'light' | 'dark';

export interface UiSlice {
  route: Route;
  /** What the OS prefers (prefers-color-scheme); used when the theme setting is "system". */
  osTheme: ColorScheme;

  /** Follows the address bar (hashchange, reload, a pasted link). */
  syncRoute(hash: string): void;
  /** Opens a view by changing the hash, so Back, reload and sharing all work. */
  navigate(view: ViewId): void;
  setOsTheme(theme: ColorScheme): void;
}

export const createUiSlice =
  ({ setHash }: StoreDeps): SliceCreator<UiSlice> =>
  (set, get) => ({
    route: { view: 'about' },
    osTheme: 'light',

    syncRoute(hash) {
      const route = parseRoute(hash);
      if (!sameRoute(route, get().route)) set({ route });
    },

    navigate(view) {
      set({ route: { view } });
      setHash(routeHash(view));
    },

    setOsTheme(osTheme) {
      set({ osTheme });
    },
  });
