import type { ITheme } from '@xterm/xterm';

/**
 * The terminal's colours for the light and dark themes. Background and text mirror theme.css
 * (--bg-panel, --text, --accent); the 16 ANSI colours are tuned per background so `ls --color`,
 * `kubectl` and `git diff` stay readable on both (xterm's minimumContrastRatio lifts the rest).
 * Constants, not getComputedStyle, for the reason chart-theme.ts gives.
 */
const themes: Record<'light' | 'dark', ITheme> = {
  light: {
    background: '#ffffff',
    foreground: '#1f2329',
    cursor: '#2f5fd0',
    cursorAccent: '#ffffff',
    selectionBackground: 'rgba(47, 95, 208, 0.22)',
    selectionInactiveBackground: 'rgba(36, 41, 46, 0.12)',
    scrollbarSliderBackground: 'rgba(36, 41, 46, 0.16)',
    scrollbarSliderHoverBackground: 'rgba(36, 41, 46, 0.28)',
    scrollbarSliderActiveBackground: 'rgba(36, 41, 46, 0.36)',
    black: '#1f2329',
    red: '#c0272f',
    green: '#1a7f4b',
    yellow: '#8a5a00',
    blue: '#2f5fd0',
    magenta: '#8e3ab8',
    cyan: '#0f7b8a',
    white: '#6e7481',
    brightBlack: '#5b616e',
    brightRed: '#d9343c',
    brightGreen: '#23935a',
    brightYellow: '#a36b00',
    brightBlue: '#3d6ee0',
    brightMagenta: '#a04bcb',
    brightCyan: '#14899a',
    brightWhite: '#80869a',
  },
  dark: {
    background: '#181b1f',
    foreground: '#d8d9e0',
    cursor: '#8ab1ff',
    cursorAccent: '#181b1f',
    selectionBackground: 'rgba(110, 159, 255, 0.3)',
    selectionInactiveBackground: 'rgba(204, 204, 220, 0.14)',
    scrollbarSliderBackground: 'rgba(204, 204, 220, 0.14)',
    scrollbarSliderHoverBackground: 'rgba(204, 204, 220, 0.24)',
    scrollbarSliderActiveBackground: 'rgba(204, 204, 220, 0.32)',
    black: '#262a30',
    red: '#ff6b70',
    green: '#5cc48d',
    yellow: '#f0b44c',
    blue: '#6e9fff',
    magenta: '#c792ea',
    cyan: '#56c2d6',
    white: '#d8d9e0',
    brightBlack: '#737887',
    brightRed: '#ff8a8e',
    brightGreen: '#7ad6a5',
    brightYellow: '#f5c76f',
    brightBlue: '#8ab1ff',
    brightMagenta: '#d7aef2',
    brightCyan: '#7dd3e3',
    brightWhite: '#ffffff',
  },
};

export const terminalTheme = (theme: 'light' | 'dark'): ITheme => themes[theme];

/** The same stack as theme.css --font-mono (xterm measures one font, it cannot read the variable). */
export const TERMINAL_FONT_FAMILY =
  "'JetBrains Mono', 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
