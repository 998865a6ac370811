import { usageError } from './cli-error';

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 90s | 15m | 1h | 7d` -> milliseconds. */
export function parseSince(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * units[match[2]!]! : NaN;
  if (!Number.isFinite(ms) || ms <= 0)
    throw usageError(`--since "${text}" is not a duration`, 'write a number and a unit: 90s, 15m, 1h or 7d');
  return ms;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local clock time; with the date when the span covers more than a day. */
export function clock(at: number, withDate = false): string {
  const d = new Date(at);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

/** "500 ms", "45 s", "12 min", "3 h 5 min", "2 d 4 h": how long ago or how long something took. */
export function span(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
