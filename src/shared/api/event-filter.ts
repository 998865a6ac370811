import { isEventName, type EventName } from '../contract/index';

/**
 * A client's "deliver only these events" request, checked the same way by every host (the
 * console's events WebSocket and the desktop's IPC). The contract has a dozen events; a list
 * longer than this is not a client of ours.
 */
export const MAX_LISTEN_NAMES = 64;

export type ListenCheck = { ok: true; names: ReadonlySet<EventName> } | { ok: false; problem: string };

/** A name from the peer, quoted and cut short so a log line never carries a long or odd string. */
const quote = (value: string) => JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);

/** Checks the names a client asked for: an array of at most 64 contract event names. */
export function checkListenNames(value: unknown): ListenCheck {
  if (!Array.isArray(value)) return { ok: false, problem: 'the event names are not an array' };
  if (value.length > MAX_LISTEN_NAMES)
    return { ok: false, problem: `${value.length} event names (at most ${MAX_LISTEN_NAMES})` };
  const names = new Set<EventName>();
  for (const [index, name] of value.entries()) {
    if (typeof name !== 'string') return { ok: false, problem: `event name ${index} is not a string` };
    if (!isEventName(name)) return { ok: false, problem: `unknown event ${quote(name)}` };
    names.add(name);
  }
  return { ok: true, names };
}
