import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const CONSOLE_FILE = 'console.json';

/** What other local tools (the fleetdeck CLI, scripts) read to reach the running console. */
export interface ConsoleFileInfo {
  url: string;
  host: string;
  port: number;
  token: string;
  pid: number;
  startedAt: string;
}

/**
 * Writes `<dataDir>/console.json` owner-only (it holds the token). The temp file is created with
 * mode 0600 from the start, so there is no moment where the token is readable by others (Lens
 * wrote kubeconfig copies world-readable: #655, #3793); chmod again in case of an odd umask;
 * rename makes the switch atomic for readers.
 */
export function writeConsoleFile(dataDir: string, info: ConsoleFileInfo): string {
  const file = join(dataDir, CONSOLE_FILE);
  const temp = join(dataDir, `.${CONSOLE_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(info, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return file;
}

/** Removes console.json if it is still ours (pid match), so a stale file never points nowhere. */
/**
 * Writes console.json for a listening server (this process, now). Returns why it could not, or
 * null: a host still works without the file (its URL is printed, terminals get it through the
 * environment), so the caller logs the reason and goes on.
 */
export function publishConsoleFile(
  dataDir: string,
  server: { url: string; host: string; port: number; token: string },
): string | null {
  try {
    writeConsoleFile(dataDir, {
      url: server.url,
      host: server.host,
      port: server.port,
      token: server.token,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    });
    return null;
  } catch (error) {
    return `could not write console.json in ${dataDir}: ${(error as Error).message}`;
  }
}

export function removeConsoleFile(dataDir: string, pid: number = process.pid): void {
  const file = join(dataDir, CONSOLE_FILE);
  try {
    const current = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConsoleFileInfo>;
    if (current.pid !== pid) return;
  } catch {
    // Missing or unreadable: nothing of ours to remove.
    return;
  }
  rmSync(file, { force: true });
}
