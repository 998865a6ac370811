import type { Settings } from '../../shared/contract/index';

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:02" or "2:02 PM" in local time, as the time-format setting says. */
export function formatClock(at: number, timeFormat: Settings['timeFormat'], withSeconds = false): string {
  const date = new Date(at);
  const minutes = pad(date.getMinutes());
  const seconds = withSeconds ? `:${pad(date.getSeconds())}` : '';
  if (timeFormat === '24h') return `${pad(date.getHours())}:${minutes}${seconds}`;
  const hours = date.getHours() % 12 === 0 ? 12 : date.getHours() % 12;
  return `${hours}:${minutes}${seconds} ${date.getHours() < 12 ? 'AM' : 'PM'}`;
}

/** "2025-03-14": unambiguous in every locale, which matters in an incident channel. */
export function formatDate(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
