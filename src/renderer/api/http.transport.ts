import type { CommandEnvelope, ConnectionState, FleetTransport } from '../../shared/api/fleet-api';
import {
  events,
  isEventName,
  type CommandName,
  type EventMessage,
  type EventName,
} from '../../shared/contract/index';
import { httpStatusFor, type ErrorCode, type FleetErrorBody } from '../../shared/errors/fleet-error';
import { createBackoff, type BackoffOptions } from './backoff';
import { ConnectionTracker } from './connection-tracker';
import { openTerminalSocket } from './terminal.socket';

/** The parts of the browser the transport touches, so tests can hand in fakes. */
export interface HttpTransportEnv {
  /** The console's origin, e.g. "http://127.0.0.1:4100" (the page's own origin in the app). */
  origin: string;
  fetch: typeof fetch;
  WebSocket: new (url: string) => WebSocketLike;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

/** The subset of the DOM WebSocket the transport uses. */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  /** 1 while open, as the DOM's WebSocket.OPEN. */
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

const SOCKET_OPEN = 1;

/** The one message a client sends on the events socket: deliver only these events. */
export const listenFrame = (names: readonly EventName[]) => JSON.stringify({ listen: names });

export interface HttpTransportOptions {
  backoff?: BackoffOptions;
  /**
   * Failed reconnects in a row before the state turns from 'connecting' ("reconnecting") to
   * 'disconnected'. A console restart or a laptop waking up is a blip, not an outage.
   */
  attemptsBeforeDisconnected?: number;
  /** A command with no answer in this long fails with `timeout` instead of hanging the view. */
  commandTimeoutMs?: number;
}

export const API_PREFIX = '/api/v1';
export const EVENTS_PATH = `${API_PREFIX}/events`;

const CONSOLE_HINT =
  'Check that the console is still running (start it with "npm run console"), then reload this page. If it was restarted, open the new URL it printed: each launch has a new token.';

/** Where the page's console lives: same origin for HTTP, ws:// or wss:// to match the page. */
export function eventsUrl(origin: string): string {
  const url = new URL(EVENTS_PATH, origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** A command that never reached the console (connection refused, DNS, CORS, offline). */
export function unreachableError(origin: string, command: CommandName, cause?: unknown): FleetErrorBody {
  const reason = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
  return {
    code: 'unavailable',
    message: `Cannot reach the Fleetdeck console at ${origin}${reason}. Check that it is still running.`,
    where: command,
    hint: CONSOLE_HINT,
  };
}

const codeForStatus = (status: number): ErrorCode => {
  const known = (Object.entries(httpStatusFor) as [ErrorCode, number][]).find(([, s]) => s === status);
  if (known) return known[0];
  if (status === 502 || status >= 500) return 'unavailable';
  return status >= 400 && status < 500 ? 'bad_request' : 'internal';
};

/**
 * An answer that is not one of ours: a proxy's error page, a console from another version, an
 * empty body. Named by its HTTP status so the person can tell a 401 from a 502.
 */
export function unexpectedResponseError(
  origin: string,
  command: CommandName,
  status: number,
): FleetErrorBody {
  const code = codeForStatus(status);
  if (code === 'unauthorized') {
    return {
      code,
      message: `The Fleetdeck console at ${origin} no longer accepts this page's session (HTTP 401).`,
      where: command,
      hint: 'The console was probably restarted with a new token: open the URL it printed when it started.',
    };
  }
  return {
    code,
    message: `The Fleetdeck console at ${origin} answered ${command} with HTTP ${status} and no Fleetdeck response.`,
    where: command,
    hint: 'Check that this address is the Fleetdeck console and that it is the same version as this page, then reload.',
  };
}

const isEnvelope = (value: unknown): value is CommandEnvelope => {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  if (v.ok === true) return 'result' in v;
  return v.ok === false && !!v.error && typeof v.error === 'object';
};

/** Turns one WebSocket frame into a contract event, or null for anything we do not know. */
export function parseEventFrame(data: unknown): EventMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const { event, payload } = value as Record<string, unknown>;
  if (!isEventName(event)) return null;
  // Types vanish at runtime: a payload that breaks its schema never reaches a view.
  const parsed = events[event].payload.safeParse(payload);
  return parsed.success ? ({ event, payload: parsed.data } as EventMessage) : null;
}

/**
 * The browser console's transport: commands as `POST /api/v1/<command>` (the HttpOnly session
 * cookie rides along because the page is same-origin), events over one WebSocket at
 * `/api/v1/events` that reconnects with capped exponential backoff while anyone listens.
 */
export function createHttpTransport(
  env: HttpTransportEnv,
  options: HttpTransportOptions = {},
): FleetTransport {
  const origin = env.origin;
  const backoff = createBackoff(options.backoff);
  const attemptsBeforeDisconnected = options.attemptsBeforeDisconnected ?? 3;
  const commandTimeoutMs = options.commandTimeoutMs ?? 30_000;
  const connection = new ConnectionTracker('connecting');
  const listeners = new Set<(message: EventMessage) => void>();

  let socket: WebSocketLike | null = null;
  let retryTimer: unknown = null;
  let failedAttempts = 0;
  // What the view listens to; null until it says, and the console sends every event until then.
  let listening: readonly EventName[] | null = null;

  const sendListening = (ws: WebSocketLike) => {
    if (listening === null || ws.readyState !== SOCKET_OPEN) return;
    ws.send(listenFrame(listening));
  };

  const open = () => {
    retryTimer = null;
    let ws: WebSocketLike;
    try {
      ws = new env.WebSocket(eventsUrl(origin));
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      failedAttempts = 0;
      backoff.reset();
      connection.set('connected');
      // Each socket starts from "every event" on the console, so it is told again on every open.
      sendListening(ws);
    };
    ws.onmessage = (ev) => {
      const message = parseEventFrame(ev.data);
      if (!message) return;
      for (const listener of [...listeners]) listener(message);
    };
    // A refused upgrade (401/403), a dropped network and a stopped console all end here; the
    // browser does not tell them apart, so neither can we (the commands' errors do).
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      scheduleReconnect();
    };
    ws.onerror = () => {
      /* always followed by close */
    };
  };

  const scheduleReconnect = () => {
    if (listeners.size === 0) return;
    failedAttempts += 1;
    connection.set(failedAttempts >= attemptsBeforeDisconnected ? 'disconnected' : 'connecting');
    retryTimer = env.setTimeout(open, backoff.next());
  };

  const stop = () => {
    if (retryTimer !== null) env.clearTimeout(retryTimer);
    retryTimer = null;
    const ws = socket;
    socket = null;
    ws?.close(1000, 'no listeners');
    failedAttempts = 0;
    backoff.reset();
    connection.set('connecting');
  };

  return {
    kind: 'console',

    async invoke(name, args) {
      let response: Response;
      try {
        response = await env.fetch(`${origin}${API_PREFIX}/${encodeURIComponent(name)}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(args ?? {}),
          signal: AbortSignal.timeout(commandTimeoutMs),
        });
      } catch (error) {
        if (error instanceof Error && error.name === 'TimeoutError') {
          return {
            ok: false,
            error: {
              code: 'timeout',
              message: `The Fleetdeck console at ${origin} did not answer ${name} within ${Math.round(commandTimeoutMs / 1000)} s.`,
              where: name,
              hint: 'The console may be overloaded or stuck; check its terminal output and log, then try again.',
            },
          };
        }
        return { ok: false, error: unreachableError(origin, name, error) };
      }
      let body: unknown = null;
      try {
        body = await response.json();
      } catch {
        /* not JSON: reported by status below */
      }
      return isEnvelope(body)
        ? body
        : { ok: false, error: unexpectedResponseError(origin, name, response.status) };
    },

    subscribe(listener) {
      listeners.add(listener);
      if (!socket && retryTimer === null) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },

    listen(names) {
      listening = [...names];
      if (socket) sendListening(socket);
    },

    onConnection: (listener) => connection.listen(listener),

    openTerminal: openTerminalSocket(env),
  };
}

/** The transport for the page this code runs in, talking to its own origin. */
export function createBrowserHttpTransport(options?: HttpTransportOptions): FleetTransport {
  return createHttpTransport(
    {
      origin: window.location.origin,
      fetch: window.fetch.bind(window),
      WebSocket: window.WebSocket as unknown as HttpTransportEnv['WebSocket'],
      setTimeout: (fn, ms) => window.setTimeout(fn, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number),
    },
    options,
  );
}

export type { ConnectionState };
