import type { ConnectionState } from '../../shared/api/fleet-api';

/** Holds a transport's connection state and tells listeners about changes (and the current one at once). */
export class ConnectionTracker {
  private readonly listeners = new Set<(state: ConnectionState) => void>();

  constructor(private state: ConnectionState) {}

  get current(): ConnectionState {
    return this.state;
  }

  set(next: ConnectionState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener(next);
  }

  listen(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
