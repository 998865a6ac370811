import type { HttpTransportEnv, WebSocketLike } from '../../../src/renderer/api/http.transport';

/** A WebSocket the test drives by hand: open it, push frames, drop it. */
export class FakeSocket implements WebSocketLike {
  static instances: FakeSocket[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closedByClient = false;
  readyState = 0;
  /** Text frames the transport sent. */
  readonly sent: string[] = [];

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  open() {
    this.readyState = 1;
    this.onopen?.({});
  }

  send(data: string) {
    // As the DOM's WebSocket: sending before open throws InvalidStateError.
    if (this.readyState !== 1) throw new Error('InvalidStateError: still in CONNECTING state');
    this.sent.push(data);
  }

  receive(data: unknown) {
    this.onmessage?.({ data });
  }

  drop() {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({});
  }

  close() {
    this.closedByClient = true;
    this.readyState = 3;
    this.onclose?.({});
  }
}

/** Timers the test fires itself, so backoff delays can be read and nothing waits on a clock. */
export class ManualTimers {
  pending: { id: number; fn: () => void; ms: number }[] = [];
  private next = 1;

  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.pending.push({ id, fn, ms });
    return id;
  };

  clearTimeout = (handle: unknown) => {
    this.pending = this.pending.filter((t) => t.id !== handle);
  };

  /** Runs the oldest pending timer; returns its delay. */
  fire(): number {
    const timer = this.pending.shift();
    if (!timer) throw new Error('no timer pending');
    timer.fn();
    return timer.ms;
  }
}

export function fakeEnv(fetchImpl: HttpTransportEnv['fetch'], origin = 'http://127.0.0.1:4100') {
  FakeSocket.instances = [];
  const timers = new ManualTimers();
  const env: HttpTransportEnv = {
    origin,
    fetch: fetchImpl,
    WebSocket: FakeSocket,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
  };
  return { env, timers };
}

export const jsonResponse = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
