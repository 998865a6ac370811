import type { ConnectionState } from '../../shared/api/fleet-api';

export type ConnectionDisplay = 'connected' | 'connecting' | 'reconnecting' | 'disconnected';

/** The transport says 'connecting' both at start and after a drop; people need to tell them apart. */
export function connectionWords(
  connection: ConnectionState,
  everConnected: boolean,
): { state: ConnectionDisplay; label: string } {
  if (connection === 'connected') return { state: 'connected', label: 'Connected' };
  if (connection === 'disconnected') return { state: 'disconnected', label: 'Disconnected' };
  return everConnected
    ? { state: 'reconnecting', label: 'Reconnecting…' }
    : { state: 'connecting', label: 'Connecting…' };
}
