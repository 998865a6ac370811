import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon, type ISearchOptions } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { openTerminalLink } from './terminal-links';
import { TERMINAL_FONT_FAMILY } from './terminal-theme';
import { releaseWebglSlot, takeWebglSlot, webglWanted, type TerminalGpu } from './webgl-budget';

/** Lines kept above the screen: enough for a long `kubectl describe`, bounded in memory. */
export const TERMINAL_SCROLLBACK = 10_000;

export type RendererKind = 'webgl' | 'dom';

/** The pane's own keys, taken before the shell sees them. */
export type ScreenCommand = 'search' | 'copy' | 'font-bigger' | 'font-smaller' | 'font-reset';

export interface TerminalScreenOptions {
  fontSize: number;
  theme: ITheme;
  /** WebGL or the DOM (the `terminalGpu` setting). */
  gpu: TerminalGpu;
  /** Keystrokes and pastes for the PTY. */
  onInput(data: string): void;
  /** The grid changed size (after a fit). */
  onResize(cols: number, rows: number): void;
  onCommand(command: ScreenCommand): void;
  /** The program set the window title (OSC 0/2); shown as text, never as markup. */
  onTitle(title: string): void;
  onRendererChange(kind: RendererKind): void;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * Which pane command a key is, or null for the shell. Ctrl+Shift+C/V copy and paste (Ctrl+C
 * and Ctrl+V belong to the shell); Cmd on macOS. Ctrl+F searches, as in every other view of the
 * app (readline's forward-char is also the → key).
 */
export function paneCommandOf(e: KeyboardEvent): ScreenCommand | 'paste' | 'app' | null {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  if (!mod || e.altKey) return null;
  const key = e.key.toLowerCase();
  if (e.shiftKey && (e.code === 'KeyC' || (isMac && key === 'c'))) return 'copy';
  if (e.shiftKey && (e.code === 'KeyV' || (isMac && key === 'v'))) return 'paste';
  if (isMac && !e.shiftKey && key === 'c') return 'copy';
  if (isMac && !e.shiftKey && key === 'v') return 'paste';
  if (!e.shiftKey && key === 'f') return 'search';
  if (key === '=' || key === '+') return 'font-bigger';
  if (!e.shiftKey && key === '-') return 'font-smaller';
  if (!e.shiftKey && key === '0') return 'font-reset';
  // The app's own shortcuts: the palette (Ctrl+K), Settings (Ctrl+,), Terminal (Ctrl+`, Ctrl+Shift+`).
  if (!e.shiftKey && (key === 'k' || key === ',')) return 'app';
  if (e.code === 'Backquote') return 'app';
  return null;
}

/**
 * One xterm.js terminal with the addons Fleetdeck uses (issue 5): WebGL drawing with a DOM
 * fallback, fit to its box, search, Unicode 11 widths, and links through the http/https check.
 * It knows nothing of sessions or transports: bytes go in through write(), keys come out
 * through onInput.
 */
export class TerminalScreen {
  readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private readonly searchAddon = new SearchAddon({ highlightLimit: 1000 });
  private webgl: WebglAddon | null = null;
  private active = false;
  private disposed = false;
  private readonly observer: ResizeObserver;
  private fitFrame: number | null = null;
  private gpu: TerminalGpu;

  constructor(
    private readonly host: HTMLElement,
    private readonly options: TerminalScreenOptions,
  ) {
    this.gpu = options.gpu;
    this.term = new Terminal({
      allowProposedApi: true, // unicode.activeVersion
      fontFamily: TERMINAL_FONT_FAMILY,
      fontSize: options.fontSize,
      theme: options.theme,
      scrollback: TERMINAL_SCROLLBACK,
      cursorBlink: true,
      minimumContrastRatio: 4.5,
      // OSC 8 hyperlinks go through the same check as plain URLs (xterm.js CVE-2019-0542).
      linkHandler: {
        activate: (_event, text) => void openTerminalLink(text),
        allowNonHttpProtocols: false,
      },
    });
    this.term.loadAddon(this.fitAddon);
    this.term.loadAddon(this.searchAddon);
    this.term.loadAddon(new Unicode11Addon());
    this.term.unicode.activeVersion = '11';
    this.term.loadAddon(new WebLinksAddon((_event, uri) => void openTerminalLink(uri)));
    // OSC 52 lets a program read (and set) the clipboard: output is untrusted, so neither.
    this.term.parser.registerOscHandler(52, () => true);
    this.term.attachCustomKeyEventHandler((event) => this.onKey(event));
    this.term.onData((data) => options.onInput(data));
    this.term.onBinary((data) => options.onInput(data));
    this.term.onResize(({ cols, rows }) => options.onResize(cols, rows));
    this.term.onTitleChange((title) => options.onTitle(title));
    this.term.open(host);
    this.observer = new ResizeObserver(() => this.scheduleFit());
    this.observer.observe(host);
    options.onRendererChange('dom');
  }

  private onKey(event: KeyboardEvent): boolean {
    const command = paneCommandOf(event);
    if (command === null) return true;
    if (event.type !== 'keydown') return false;
    if (command === 'paste') {
      // Not prevented: the browser's own paste follows and xterm takes it from the clipboard
      // event (bracketed paste included), with no clipboard-read permission prompt.
      return false;
    }
    if (command === 'app') return false; // left to the window's listeners
    if (command === 'copy' && !this.term.hasSelection()) {
      // Cmd+C with nothing selected on macOS is just a key; Ctrl+Shift+C would open DevTools.
      if (!isMac) event.preventDefault();
      return false;
    }
    event.preventDefault();
    if (command === 'copy') void navigator.clipboard?.writeText(this.term.getSelection()).catch(() => {});
    else this.options.onCommand(command);
    return false;
  }

  /** Output for the screen; `done` runs once xterm has parsed it (flow control acks on that). */
  write(data: string, done?: () => void): void {
    if (this.disposed) return;
    this.term.write(data, done);
  }

  /** Back to a blank screen and scrollback, before a replay. */
  reset(): void {
    if (!this.disposed) this.term.reset();
  }

  get cols(): number {
    return this.term.cols;
  }
  get rows(): number {
    return this.term.rows;
  }

  /**
   * A visible terminal draws with WebGL when it can; a hidden one gives its context back
   * (browsers cap live contexts at about 16) and keeps its buffer.
   */
  setActive(active: boolean): void {
    if (this.disposed || this.active === active) return;
    this.active = active;
    if (active) {
      this.attachWebgl();
      this.scheduleFit();
    } else {
      this.releaseWebgl();
    }
  }

  /** The `terminalGpu` setting changed: a visible terminal switches renderer at once. */
  setGpu(gpu: TerminalGpu): void {
    if (this.disposed || this.gpu === gpu) return;
    this.gpu = gpu;
    if (!this.active) return;
    this.releaseWebgl();
    this.attachWebgl();
  }

  private attachWebgl(): void {
    if (this.webgl || !webglWanted(this.gpu) || !takeWebglSlot()) return;
    try {
      const addon = new WebglAddon();
      addon.onContextLoss(() => {
        // The GPU process restarted or the page went over its context cap: carry on in the DOM.
        this.releaseWebgl();
      });
      this.term.loadAddon(addon);
      this.webgl = addon;
      this.options.onRendererChange('webgl');
    } catch {
      releaseWebglSlot();
      this.options.onRendererChange('dom');
    }
  }

  private releaseWebgl(): void {
    const addon = this.webgl;
    if (!addon) return;
    this.webgl = null;
    releaseWebglSlot();
    try {
      addon.dispose();
    } catch {
      /* a lost context can fail to dispose cleanly; the DOM renderer takes over regardless */
    }
    if (!this.disposed) this.options.onRendererChange('dom');
  }

  private scheduleFit(): void {
    if (this.fitFrame !== null || this.disposed) return;
    this.fitFrame = requestAnimationFrame(() => {
      this.fitFrame = null;
      this.fit();
    });
  }

  /** Fits the grid to the box; a hidden box (0 x 0) keeps the last size. */
  fit(): void {
    if (this.disposed || this.host.clientWidth === 0 || this.host.clientHeight === 0) return;
    // fit() resizes only when the proposed grid differs, so a resize frame goes out on real changes only.
    this.fitAddon.fit();
  }

  setFontSize(size: number): void {
    if (this.disposed || this.term.options.fontSize === size) return;
    this.term.options.fontSize = size;
    this.scheduleFit();
  }

  setTheme(theme: ITheme): void {
    if (!this.disposed) this.term.options.theme = theme;
  }

  find(text: string, direction: 'next' | 'previous', options: ISearchOptions = {}): boolean {
    if (this.disposed || text === '') return false;
    return direction === 'next'
      ? this.searchAddon.findNext(text, options)
      : this.searchAddon.findPrevious(text, options);
  }

  onSearchResults(listener: (result: { index: number; count: number }) => void): () => void {
    const sub = this.searchAddon.onDidChangeResults((e) =>
      listener({ index: e.resultIndex, count: e.resultCount }),
    );
    return () => sub.dispose();
  }

  clearSearch(): void {
    if (!this.disposed) this.searchAddon.clearDecorations();
  }

  focus(): void {
    if (!this.disposed) this.term.focus();
  }

  dispose(): void {
    if (this.disposed) return;
    this.observer.disconnect();
    if (this.fitFrame !== null) cancelAnimationFrame(this.fitFrame);
    this.releaseWebgl();
    this.disposed = true;
    this.term.dispose();
  }
}
