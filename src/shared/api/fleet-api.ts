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

  const dispatch = (message: EventMessage) => {
    if (!isEventName(message.event)) return;
    for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
  };

  return {
    kind: transport.kind,
    async call(name, args) {
      const envelope = await transport.invoke(name, args);
      if (!envelope.ok) throw FleetError.fromBody(envelope.error);
      return envelope.result as never;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      unsubscribe ??= transport.subscribe(dispatch);
      return () => {
        set.delete(listener as (payload: unknown) => void);
        const empty = [...listeners.values()].every((s) => s.size === 0);
        if (empty && unsubscribe) {
          unsubscribe();
          unsubscribe = null;
        }
      };
    },
    onConnection: (listener) => transport.onConnection(listener),
    openTerminal: (sessionId, attachToken, handlers) =>
      transport.openTerminal(sessionId, attachToken, handlers),
  };
}
