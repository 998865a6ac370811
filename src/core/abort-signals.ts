import { setMaxListeners } from 'node:events';

/**
 * A long-lived stop signal that many concurrent requests listen on (one listener each, removed
 * when the request ends). Node warns past 10 listeners on one EventTarget, which would print a
 * false "possible memory leak" on the user's terminal; this sets the ceiling for that use.
 */
export function withListenerRoom(controller: AbortController, max = 1024): AbortController {
  setMaxListeners(max, controller.signal);
  return controller;
}
