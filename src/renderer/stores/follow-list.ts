import type { FleetApi } from '../../shared/api/fleet-api';
import type { EventName, EventPayload } from '../../shared/contract/index';

/**
 * Keeps an on-screen list current from its `*.changed` event: `patch` puts a changed row in
 * place and says so (no read); anything else — a row the list does not hold, one that left the
 * filter — reads the list again. After a reconnect it reads again too (events missed while
 * disconnected are not replayed). Returns the stop function.
 */
export function followList<E extends EventName>(
  api: Pick<FleetApi, 'on' | 'onConnection'>,
  event: E,
  patch: (payload: EventPayload<E>) => boolean,
  load: () => void,
): () => void {
  const off = api.on(event, (payload) => {
    if (!patch(payload)) load();
  });
  const offConnection = api.onConnection((state) => {
    if (state === 'connected') load();
  });
  return () => {
    off();
    offConnection();
  };
}
