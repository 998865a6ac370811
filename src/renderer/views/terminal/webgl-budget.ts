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

/** The `terminalGpu` setting. */
export type TerminalGpu = 'auto' | 'on' | 'off';

let probed: { available: boolean; software: boolean } | null = null;

/** Software rasterisers: WebGL through them is slower than xterm's DOM renderer, not faster. */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software/i;

function probeWebgl2(): { available: boolean; software: boolean } {
  if (probed) return probed;
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2');
    const renderer = gl
      ? String(
          gl.getParameter(
            gl.getExtension('WEBGL_debug_renderer_info')?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER,
          ),
        )
      : '';
    probed = { available: gl !== null, software: SOFTWARE_GL.test(renderer) };
    // Hand the probe's context straight back so it does not count against the page's cap.
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    probed = { available: false, software: false };
  }
  return probed;
}

/**
 * Whether to draw with WebGL: a WebGL2 context must exist (xterm's renderer needs 2), and with
 * "auto" it must be a real GPU. Headless and GPU-less machines give a software one
 * (SwiftShader), which the terminal benches measured at a third of the DOM renderer's speed;
 * "on" takes it anyway, "off" never uses WebGL.
 */
export function webglWanted(mode: TerminalGpu): boolean {
  if (mode === 'off') return false;
  const gl = probeWebgl2();
  return gl.available && (mode === 'on' || !gl.software);
}
