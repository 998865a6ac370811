import type { EventMessage, EventName, EventPayload } from '../../shared/contract/index';

export type EventListener = (message: EventMessage) => void;

/**
 * The core's one event stream. Hosts subscribe once and forward every message to their
 * clients (IPC to windows, WebSocket to browsers); services emit typed events.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const message = { event, payload } as EventMessage;
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch {
        // A failing transport (a closed socket) must not stop delivery to the others.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
