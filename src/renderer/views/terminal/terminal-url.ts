import { routeHash } from '../../routing/routes';

/** `#/terminal/<sessionId>`: the tab the address names, or null for `#/terminal`. */
export function terminalIdOf(hash: string): string | null {
  const path = (hash.startsWith('#') ? hash.slice(1) : hash).split('?')[0] ?? '';
  const segments = path.split('/').filter((s) => s.length > 0);
  if (segments.length !== 2 || segments[0] !== 'terminal' || !segments[1]) return null;
  try {
    return decodeURIComponent(segments[1]);
  } catch {
    return null;
  }
}

export const terminalHash = (sessionId: string | null): string =>
  sessionId ? `${routeHash('terminal')}/${encodeURIComponent(sessionId)}` : routeHash('terminal');
