import { FleetError, type FleetErrorBody } from '../errors/fleet-error';
import type {
  CommandArgs,
  CommandName,
  CommandResult,
  EventMessage,
  EventName,
  EventPayload,
} from '../contract/index';
import { isEventName } from '../contract/index';
import type { TerminalConnector } from './terminal-stream';

/** What every host returns for a command, so errors survive IPC and HTTP with all their fields. */
export type CommandEnvelope = { ok: true; result: unknown } | { ok: false; error: FleetErrorBody };

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/**
 * How a client reaches the core: Electron IPC through the preload bridge, or HTTP + WebSocket
 * to the console host. The client above it is the same either way.
 */
export interface FleetTransport {
  readonly kind: 'desktop' | 'console';
  invoke(name: CommandName, args: unknown): Promise<CommandEnvelope>;
  /** Starts delivering events; returns a function that stops. */
  subscribe(listener: (message: EventMessage) => void): () => void;
  /**
   * Deliver only these events from now on (sorted, never empty while subscribed). Until the first
   * call a host sends every event; at 10,000 endpoints `fleet.delta` is 100+ KB a tick, which a
   * window that shows only the map (`fleet.pulse`) should never receive.
   */
  listen(names: readonly EventName[]): void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** A terminal session's stream: a WebSocket in the console, IPC on the desktop. */
  openTerminal: TerminalConnector;
}

/** The typed client the renderer (and any other client) uses for every call and event. */
export interface FleetApi {
  readonly kind: 'desktop' | 'console';
  call<N extends CommandName>(name: N, args: CommandArgs<N>): Promise<CommandResult<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Opens a terminal session's stream with the attach token from `terminal.attach`. */
  openTerminal: TerminalConnector;
}

export function createFleetApi(transport: FleetTransport): FleetApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | null = null;
  /** The names last passed to `transport.listen`, joined; null while not subscribed. */
  let listening: string | null = null;

  const dispatch = (message: EventMessage) => {
    if (!isEventName(message.event)) return;
    for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
  };

  // Tells the host which events have a listener, only when that set changed.
  const syncListening = () => {
    const names = [...listeners.keys()].sort();
    const key = names.join('\n');
    if (key === listening) return;
    listening = key;
    transport.listen(names);
  };

  return {
    kind: transport.kind,
    async call(name, args) {
      const envelope = await transport.invoke(name, args);
      if (!envelope.ok) throw FleetError.fromBody(envelope.error);
      return envelope.result as never;
    },
    on(event, listener) {
      const callback = listener as (payload: unknown) => void;
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(callback);
      unsubscribe ??= transport.subscribe(dispatch);
      syncListening();
      return () => {
        // An empty set is dropped, so the map's keys are exactly the names that have a listener.
        if (!set.delete(callback) || set.size > 0) return;
        listeners.delete(event);
        if (listeners.size === 0) {
          // Nobody listens: the subscription ends instead of asking for no events.
          unsubscribe?.();
          unsubscribe = null;
          listening = null;
        } else {
          syncListening();
        }
      };
    },
    onConnection: (listener) => transport.onConnection(listener),
    openTerminal: (sessionId, attachToken, handlers) =>
      transport.openTerminal(sessionId, attachToken, handlers),
  };
}
