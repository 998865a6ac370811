/**
 * Browsers keep about 16 live WebGL contexts per page and silently lose the oldest beyond that
 * (reference/performance-and-safety.md, terminal). Only visible terminals hold one, and never
 * more than this many at once (charts may want some too); the rest draw with the DOM renderer.
 */
export const MAX_TERMINAL_WEBGL_CONTEXTS = 6;

let live = 0;

/** Takes a slot; false when the budget is spent. Give it back with releaseWebglSlot. */
export function takeWebglSlot(): boolean {
  if (live >= MAX_TERMINAL_WEBGL_CONTEXTS) return false;
  live += 1;
  return true;
}

export function releaseWebglSlot(): void {
  live = Math.max(0, live - 1);
}

let supported: boolean | null = null;

/** Whether this browser can make a WebGL2 context at all (xterm's WebGL renderer needs 2). */
export function webgl2Supported(): boolean {
  if (supported !== null) return supported;
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2');
    supported = gl !== null;
    // Hand the probe's context straight back so it does not count against the page's cap.
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    supported = false;
  }
  return supported;
}
