import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../src/core/log/logger';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  width: number;
  height: number;
  /** Absent when the saved position was unusable: the OS then centres the window. */
  x?: number;
  y?: number;
  maximized: boolean;
}

export const WINDOW_STATE_FILE = 'window-state.json';
export const MIN_WINDOW_SIZE = { width: 900, height: 600 } as const;
export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };
/** How much of the window must lie on a display to count as visible: enough to grab the title bar. */
const VISIBLE_MARGIN = 64;

const coordinate = z.number().int().min(-100_000).max(100_000);
const size = z.number().int().max(100_000);
// Versioned like every persisted format (CONVENTIONS.md 6).
const fileSchema = z.object({
  version: z.literal(1),
  width: size.min(MIN_WINDOW_SIZE.width),
  height: size.min(MIN_WINDOW_SIZE.height),
  x: coordinate.optional(),
  y: coordinate.optional(),
  maximized: z.boolean(),
});

function overlaps(a: Rect, b: Rect): boolean {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w >= VISIBLE_MARGIN && h >= VISIBLE_MARGIN;
}

/**
 * Turns whatever is in window-state.json into bounds that are safe to open: anything malformed
 * falls back to the defaults, a position that is off every display (a monitor was unplugged)
 * is dropped, and the size never exceeds the largest display.
 */
export function parseWindowState(raw: unknown, workAreas: readonly Rect[]): WindowState {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) return { ...DEFAULT_WINDOW_STATE };
  const saved = parsed.data;
  const maxWidth = Math.max(MIN_WINDOW_SIZE.width, ...workAreas.map((a) => a.width));
  const maxHeight = Math.max(MIN_WINDOW_SIZE.height, ...workAreas.map((a) => a.height));
  const state: WindowState = {
    width: Math.min(saved.width, maxWidth),
    height: Math.min(saved.height, maxHeight),
    maximized: saved.maximized,
  };
  if (saved.x !== undefined && saved.y !== undefined) {
    const bounds = { x: saved.x, y: saved.y, width: state.width, height: state.height };
    if (workAreas.some((area) => overlaps(bounds, area))) {
      state.x = saved.x;
      state.y = saved.y;
    }
  }
  return state;
}

export function loadWindowState(dataDir: string, workAreas: readonly Rect[], log: Logger): WindowState {
  const file = join(dataDir, WINDOW_STATE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn('window state unreadable; using defaults', { file, error: String(error) });
    }
    return { ...DEFAULT_WINDOW_STATE };
  }
  return parseWindowState(raw, workAreas);
}

/** Written to a temporary file and renamed, so a crash mid-write never leaves half a file. */
export function saveWindowState(dataDir: string, state: WindowState, log: Logger): void {
  const file = join(dataDir, WINDOW_STATE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify({ version: 1, ...state }, null, 2) + '\n', { mode: 0o600 });
    renameSync(temp, file);
  } catch (error) {
    // Losing the window position is not worth failing a quit over.
    log.warn('could not save window state', { file, error: String(error) });
  }
}

/** The part of a BrowserWindow that window state needs; keeps this module free of Electron. */
export interface StatefulWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  once(event: 'close', listener: () => void): unknown;
}

/** Saves the window's normal (un-maximized) bounds when it closes. */
export function rememberWindowState(win: StatefulWindow, dataDir: string, log: Logger): void {
  win.once('close', () => {
    const bounds = win.getNormalBounds();
    saveWindowState(
      dataDir,
      {
        x: Math.round(bounds.x),
        y: Math.round(bounds.y),
        width: Math.max(MIN_WINDOW_SIZE.width, Math.round(bounds.width)),
        height: Math.max(MIN_WINDOW_SIZE.height, Math.round(bounds.height)),
        maximized: win.isMaximized(),
      },
      log,
    );
  });
}
