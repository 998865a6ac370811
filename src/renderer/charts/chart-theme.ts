import type { HealthStatus } from '../../shared/contract/index';

export interface ChartPalette {
  text: string;
  textMuted: string;
  panel: string;
  land: string;
  landBorder: string;
  ocean: string;
  health: Record<HealthStatus, string>;
}

/**
 * Chart colours for the light and dark themes, mirroring theme.css (--text, --ok, --error ...).
 * Constants rather than getComputedStyle: child effects run before the shell puts the theme on
 * <html>, so reading the CSS variables on the first render would pick up the wrong theme.
 */
const palettes: Record<'light' | 'dark', ChartPalette> = {
  light: {
    text: '#1f2329',
    textMuted: '#5b616e',
    panel: '#ffffff',
    land: '#e4e7ec',
    landBorder: '#ffffff',
    ocean: '#ffffff',
    health: { ok: '#1a7f4b', warning: '#b07a00', critical: '#c0272f', unknown: '#80869a' },
  },
  dark: {
    text: '#d8d9e0',
    textMuted: '#9ea3ae',
    panel: '#181b1f',
    land: '#262a31',
    landBorder: '#181b1f',
    ocean: '#181b1f',
    health: { ok: '#5cc48d', warning: '#f0b44c', critical: '#ff6b70', unknown: '#737887' },
  },
};

export const chartPalette = (theme: 'light' | 'dark'): ChartPalette => palettes[theme];
