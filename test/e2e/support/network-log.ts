import type { BrowserContext, Page } from 'playwright-core';

export interface ConsoleTraffic {
  /** HTTP status of every response from the console, preflights included (even those CORS blocked). */
  statuses: number[];
  /** Requests to the console that carried the session cookie. */
  requestsWithCookie: number;
  /** Why each WebSocket to the console failed, as Chromium reports it. */
  socketErrors: string[];
}

/**
 * Records, through the DevTools protocol, what the page's requests to the console looked like on
 * the wire. A page script only sees "TypeError: Failed to fetch" whether the console refused or
 * merely the browser's CORS check did; the test needs to know the console itself said 403.
 */
export async function recordConsoleTraffic(
  context: BrowserContext,
  page: Page,
  consoleOrigin: string,
  cookieName: string,
): Promise<ConsoleTraffic> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const traffic: ConsoleTraffic = { statuses: [], requestsWithCookie: 0, socketErrors: [] };
  const toConsole = new Set<string>();
  const sockets = new Set<string>();
  const pendingStatus = new Map<string, number>();
  const pendingCookie = new Set<string>();
  const wsOrigin = consoleOrigin.replace(/^http/, 'ws');

  const markConsole = (requestId: string) => {
    if (toConsole.has(requestId)) return;
    toConsole.add(requestId);
    const status = pendingStatus.get(requestId);
    if (status !== undefined) traffic.statuses.push(status);
    if (pendingCookie.has(requestId)) traffic.requestsWithCookie += 1;
  };

  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.startsWith(consoleOrigin)) markConsole(e.requestId);
  });
  // Extra-info events may arrive before or after requestWillBeSent; hold them until we know.
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    const sent = e.associatedCookies.some(
      (c) => c.cookie.name === cookieName && c.blockedReasons.length === 0,
    );
    if (!sent) return;
    if (toConsole.has(e.requestId)) traffic.requestsWithCookie += 1;
    else pendingCookie.add(e.requestId);
  });
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    if (toConsole.has(e.requestId)) traffic.statuses.push(e.statusCode);
    else pendingStatus.set(e.requestId, e.statusCode);
  });
  // Preflights have no requestWillBeSent of their own in this domain; their response names the URL.
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Preflight' && e.response.url.startsWith(consoleOrigin))
      traffic.statuses.push(e.response.status);
  });
  cdp.on('Network.webSocketCreated', (e) => {
    if (e.url.startsWith(wsOrigin)) sockets.add(e.requestId);
  });
  cdp.on('Network.webSocketFrameError', (e) => {
    if (sockets.has(e.requestId)) traffic.socketErrors.push(e.errorMessage);
  });
  return traffic;
}
